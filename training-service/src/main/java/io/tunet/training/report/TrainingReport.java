package io.tunet.training.report;

import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.core.training.TrainingResult;
import io.tunet.schemas.HpaClasses;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Writes a run's report: {@code report.md} with the per-class table, thresholds and champion comparison, and
 * PNG plots beside it (loss and macro-F1 per epoch; the paper's dataset figures: class frequencies, labels per
 * image, label co-occurrence).
 */
public final class TrainingReport {

    /** The report's file name. */
    public static final String FILE = "report.md";

    private TrainingReport() {
    }

    /**
     * Writes the report into {@code directory}.
     *
     * @return the Markdown file
     * @throws UncheckedIOException if a file cannot be written
     */
    public static Path write(Path directory, ReportData data) {
        try {
            Files.createDirectories(directory);
            List<TrainingResult.EpochStats> history = data.trained().history();
            save(lossChart(history), directory.resolve("loss.png"));
            save(f1Chart(history), directory.resolve("macro-f1.png"));
            save(classFrequencies(data.trainingLabels()), directory.resolve("class-frequencies.png"));
            save(labelsPerImage(data.trainingLabels()), directory.resolve("labels-per-image.png"));
            save(coOccurrence(data.trainingLabels()), directory.resolve("label-cooccurrence.png"));
            Path file = directory.resolve(FILE);
            Files.writeString(file, markdown(data), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training report to " + directory, e);
        }
    }

    private static void save(Chart<?, ?> chart, Path file) throws IOException {
        String name = file.toString();
        BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart lossChart(List<TrainingResult.EpochStats> history) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title("Loss per epoch").xAxisTitle("epoch")
                .yAxisTitle("loss").build();
        chart.addSeries("train", epochs(history), history.stream().mapToDouble(TrainingResult.EpochStats::trainLoss).toArray());
        chart.addSeries("validation", epochs(history),
                history.stream().mapToDouble(TrainingResult.EpochStats::validationLoss).toArray());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }

    private static XYChart f1Chart(List<TrainingResult.EpochStats> history) {
        XYChart chart = new XYChartBuilder().width(640).height(400)
                .title("Macro-F1 per epoch (at 0.5, present classes)")
                .xAxisTitle("epoch").yAxisTitle("macro-F1").build();
        chart.addSeries("train", epochs(history),
                history.stream().mapToDouble(TrainingResult.EpochStats::trainMacroF1).toArray());
        chart.addSeries("validation", epochs(history),
                history.stream().mapToDouble(TrainingResult.EpochStats::validationMacroF1).toArray());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return chart;
    }

    private static double[] epochs(List<TrainingResult.EpochStats> history) {
        return history.stream().mapToDouble(TrainingResult.EpochStats::epoch).toArray();
    }

    private static CategoryChart classFrequencies(List<int[]> labels) {
        int[] counts = new int[HpaClasses.COUNT];
        labels.forEach(set -> {
            for (int c : set) {
                counts[c]++;
            }
        });
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                .title("Class frequencies (training split, " + labels.size() + " samples)")
                .xAxisTitle("class").yAxisTitle("samples").build();
        List<String> names = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            names.add(c + " " + HpaClasses.name(c));
            values.add(counts[c]);
        }
        chart.addSeries("samples", names, values);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(60);
        return chart;
    }

    private static CategoryChart labelsPerImage(List<int[]> labels) {
        int max = labels.stream().mapToInt(l -> l.length).max().orElse(1);
        int[] counts = new int[max + 1];
        labels.forEach(set -> counts[set.length]++);
        List<String> names = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        for (int k = 1; k <= max; k++) {
            names.add(Integer.toString(k));
            values.add(counts[k]);
        }
        CategoryChart chart = new CategoryChartBuilder().width(500).height(400).title("Labels per image")
                .xAxisTitle("labels").yAxisTitle("samples").build();
        chart.addSeries("samples", names, values);
        chart.getStyler().setLegendVisible(false);
        return chart;
    }

    private static HeatMapChart coOccurrence(List<int[]> labels) {
        int[][] counts = new int[HpaClasses.COUNT][HpaClasses.COUNT];
        for (int[] set : labels) {
            for (int a : set) {
                for (int b : set) {
                    if (a != b) {
                        counts[a][b]++;
                    }
                }
            }
        }
        List<Number[]> cells = new ArrayList<>();
        for (int a = 0; a < HpaClasses.COUNT; a++) {
            for (int b = 0; b < HpaClasses.COUNT; b++) {
                cells.add(new Number[] {a, b, counts[a][b]});
            }
        }
        List<Integer> axis = new ArrayList<>();
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            axis.add(c);
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(760).height(700)
                .title("Label co-occurrence (training split; class indices)").xAxisTitle("class")
                .yAxisTitle("class").build();
        chart.addSeries("co-occurrence", axis, axis, cells);
        chart.getStyler().setRangeColors(new Color[] {new Color(250, 250, 250), new Color(255, 190, 80),
                new Color(200, 30, 30)});
        chart.getStyler().setShowValue(false);
        chart.getStyler().setLegendVisible(true);
        return chart;
    }

    private static String markdown(ReportData data) {
        StringBuilder md = new StringBuilder();
        md.append("# Training report: ").append(data.modelName()).append(" v").append(data.version()).append("\n\n");
        TrainedModelSummary.append(md, data);
        boolean gated = data.gate() != null;
        MultiLabelMetrics m = gated ? data.gate().challenger() : data.trained().validation().metrics();
        md.append("\n## Learning curves\n\n![loss](loss.png)\n![macro-F1](macro-f1.png)\n\n");
        md.append("Macro-F1 per epoch at 0.5, over the classes present in each split.\n\n");
        md.append("| epoch | train loss | validation loss | train macro-F1 | validation macro-F1 | rate | seconds |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (TrainingResult.EpochStats e : data.trained().history()) {
            md.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %.3f | %.3f | %.2e | %.1f |%n", e.epoch(),
                    e.trainLoss(), e.validationLoss(), e.trainMacroF1(), e.validationMacroF1(), e.learningRate(),
                    e.seconds()));
        }
        String split = gated ? "gate" : "validation";
        md.append("\n## Per-class ").append(split).append(" scores\n\n");
        md.append(gated ? "At the stored thresholds (fitted on the validation split), on the gate split, which "
                + "neither training, early stopping nor the thresholds saw; the champion likewise."
                : scoring(data)).append(" Predicted: ").append(split).append(" samples the model labels with the "
                + "class. n/a: the class is absent from the ").append(split).append(" samples (no recall, no F1; left "
                + "out of the macro averages).\n\n");
        boolean champion = data.champion() != null;
        md.append("| class | support | predicted | threshold | precision | recall | F1 |")
                .append(champion ? " champion F1 | change |" : "").append('\n');
        md.append("|---|---|---|---|---|---|---|").append(champion ? "---|---|" : "").append('\n');
        float[] thresholds = data.trained().validation().thresholds();
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            md.append(String.format(Locale.ROOT, "| %d %s | %d | %d | %.3f | %s | %s | %s |", c, HpaClasses.name(c),
                    m.support()[c], m.predicted()[c], thresholds[c], MultiLabelMetrics.format(m.perClassPrecision()[c]),
                    MultiLabelMetrics.format(m.perClassRecall()[c]), MultiLabelMetrics.format(m.perClassF1()[c])));
            if (champion) {
                double championF1 = data.champion().perClassF1()[c];
                double change = m.perClassF1()[c] - championF1;
                md.append(String.format(Locale.ROOT, " %s | %s |", MultiLabelMetrics.format(championF1),
                        Double.isNaN(change) ? "n/a" : String.format(Locale.ROOT, "%+.3f", change)));
            }
            md.append('\n');
        }
        md.append("\n## Dataset (training split)\n\n![class frequencies](class-frequencies.png)\n"
                + "![labels per image](labels-per-image.png)\n![label co-occurrence](label-cooccurrence.png)\n");
        return md.toString();
    }

    /** How the trained model's validation scores were obtained, in one sentence. */
    private static String scoring(ReportData data) {
        return data.trained().validation().crossFitted()
                ? "Thresholds fitted on the whole validation split (stored with the model); the scores are "
                        + "out-of-fold: each half of the split decided at thresholds fitted on the other half."
                : "Scores at the stored thresholds.";
    }

    /** The header block: run, data, network, result and the comparison. */
    private static final class TrainedModelSummary {

        static void append(StringBuilder md, ReportData data) {
            MultiLabelMetrics m = data.trained().validation().metrics();
            md.append(String.format(Locale.ROOT, "- run `%s`, trigger: %s%n", data.runId(), data.trigger()));
            md.append(String.format(Locale.ROOT, "- data snapshot `%s`: %d training, %d validation%s samples (split by a "
                    + "hash of the sample id)%n", data.snapshotId(), data.trainingLabels().size(), data.validationSize(),
                    data.gate() == null ? "" : ", " + data.gate().samples() + " gate"));
            md.append(String.format(Locale.ROOT, "- network: %s, %s; %s; peak learning rate %.2e; %.1f training "
                            + "samples/s%n", data.network().architecture().id(), data.network().config(),
                    data.start(),
                    data.trained().learningRate(), data.trained().trainingSamplesPerSecond()));
            md.append(String.format(Locale.ROOT, "- kept epoch %d of %d (lowest validation loss)%n",
                    data.trained().bestEpoch(), data.trained().history().size()));
            md.append("- validation: ").append(m.summary())
                    .append(Double.isNaN(data.trained().validation().meanDice()) ? ""
                            : String.format(Locale.ROOT, ", mask Dice %.4f", data.trained().validation().meanDice()))
                    .append("\n  (").append(scoring(data)).append(")\n");
            if (data.gate() != null) {
                m = data.gate().challenger();
                md.append("- gate split, at the stored thresholds (held out from training, early stopping and "
                        + "thresholds; what the promotion gate compares): ").append(m.summary()).append('\n');
            }
            if (data.champion() != null) {
                md.append(String.format(Locale.ROOT, "- champion v%d on the same samples at its stored thresholds: %s "
                                + "(change in macro-F1 %+.4f)%n", data.championVersion(), data.champion().summary(),
                        m.macroF1() - data.champion().macroF1()));
            } else if (data.baseline() != null) {
                md.append(data.gate() != null
                        ? "- no champion; class-frequency baseline on the gate samples, thresholds fitted on the "
                                + "validation split: "
                        : "- no champion; class-frequency baseline on the same samples, thresholds cross-fitted "
                                + "likewise: ").append(data.baseline().summary()).append('\n');
            }
            if (data.published() != null) {
                md.append("- ").append(data.published()).append('\n');
            } else if (data.decision() != null) {
                md.append("- **").append(data.decision().promoted() ? "PROMOTED" : "REJECTED").append("**: ")
                        .append(data.decision().summary()).append('\n');
            }
        }
    }
}
