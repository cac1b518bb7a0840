package io.tunet.training.bench;

import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.training.Evaluation;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.SampleSet;
import io.tunet.core.training.TrainingData;
import io.tunet.core.training.TrainingOptions;
import io.tunet.core.training.TrainingResult;
import io.tunet.core.training.TunetTraining;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.schemas.HpaClasses;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Issue #19 §4: does labelling in the label-next queue's order teach the model faster than labelling at random?
 * A simulated curator labels a pool of HPA-Synth fields (it knows their true labels); each round the model is
 * trained from scratch on the labels given so far and scored on a fixed test set (macro-F1 over the classes present
 * there); then the next batch of labels is chosen either at random or by the queue's score of the pool's unlabelled
 * fields under the model just trained. Both strategies start each seed from the same random labels. A {@code main},
 * not a test; writes {@code active-learning.md} and {@code active-learning.png} under {@code out}.
 *
 * <p>The queue's score is the results sink's ({@code LabelQueue}, {@code V4__label_queue.sql}), written again here
 * because the sink computes it in SQL over stored predictions: uncertainty = max over classes of
 * 1 − |p − t| / max(t, 1 − t); rarity = max over predicted classes of max(0, 1 − share / 0.05), share over the pool's
 * predictions; score = uncertainty + 0.5 · rarity + 0.25 when no class reaches its threshold.
 *
 * <p>Arguments ({@code key=value}): {@code pool=800 test=400 start=80 batch=80 rounds=4 seeds=3 size=64
 * fieldSize=256 epochs=8 out=target/benchmarks}.
 */
public final class ActiveLearningBenchmark {

    private static final long POOL_SEED = 21;
    private static final long TEST_SEED = 22;
    /** {@code LabelQueue.RARE_SHARE}, {@code RARITY_WEIGHT}, {@code ABSTAIN_BONUS}. */
    private static final double RARE_SHARE = 0.05;
    private static final double RARITY_WEIGHT = 0.5;
    private static final double ABSTAIN_BONUS = 0.25;

    private ActiveLearningBenchmark() {
    }

    /** One point of a learning curve. */
    record Point(String strategy, long seed, int labels, double macroF1, int presentClasses) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = arguments(args);
        int poolSize = Integer.parseInt(a.getOrDefault("pool", "800"));
        int testSize = Integer.parseInt(a.getOrDefault("test", "400"));
        int start = Integer.parseInt(a.getOrDefault("start", "80"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "80"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "4"));
        int seeds = Integer.parseInt(a.getOrDefault("seeds", "3"));
        int size = Integer.parseInt(a.getOrDefault("size", "64"));
        int fieldSize = Integer.parseInt(a.getOrDefault("fieldSize", "256"));
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "8"));
        Path out = Path.of(a.getOrDefault("out", "target/benchmarks"));
        if (start + rounds * batch > poolSize) {
            throw new IllegalArgumentException("start + rounds × batch = " + (start + rounds * batch)
                    + " labels, more than the pool of " + poolSize);
        }
        long began = System.nanoTime();
        Path data = out.resolve("active-learning-data").resolve(Integer.toString(fieldSize));
        SampleCache cache = SampleCache.open(out.resolve("active-learning-cache"), size, ThresholdMethod.OTSU);
        SampleSet pool = TrainingData.loadAll(HpaDirectory.open(HpaSynthV1Benchmark.generate(
                data.resolve("pool-" + poolSize), POOL_SEED, poolSize, fieldSize)), cache);
        SampleSet test = TrainingData.loadAll(HpaDirectory.open(HpaSynthV1Benchmark.generate(
                data.resolve("test-" + testSize), TEST_SEED, testSize, fieldSize)), cache);
        NetworkSpec spec = NetworkSpec.tunet(TunetConfig.CPU.withInputSize(size));

        List<Point> points = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            int[] initial = Arrays.copyOf(shuffled(poolSize, new Random(seed)), start);
            Round first = round(spec, pool, initial, test, epochs, seed, out);
            points.add(new Point("random", seed, start, first.macroF1(), first.present()));
            points.add(new Point("queue", seed, start, first.macroF1(), first.present()));
            for (String strategy : List.of("random", "queue")) {
                Random random = new Random(seed * 1000 + 7);
                int[] labelled = initial;
                Round last = first;
                for (int r = 1; r <= rounds; r++) {
                    int[] next = strategy.equals("random") ? randomBatch(poolSize, labelled, batch, random)
                            : queueBatch(last.poolScores(), last.thresholds(), labelled, batch);
                    labelled = IntStream.concat(Arrays.stream(labelled), Arrays.stream(next)).toArray();
                    last = round(spec, pool, labelled, test, epochs, seed, out);
                    points.add(new Point(strategy, seed, labelled.length, last.macroF1(), last.present()));
                    System.out.printf(Locale.ROOT, "seed %d %-6s %4d labels: macro-F1 %.3f over %d present classes%n",
                            seed, strategy, labelled.length, last.macroF1(), last.present());
                }
            }
        }
        Files.createDirectories(out);
        double minutes = (System.nanoTime() - began) / 60e9;
        Path png = out.resolve("active-learning.png");
        plot(points, png);
        Path report = out.resolve("active-learning.md");
        Files.writeString(report, markdown(points, poolSize, testSize, start, batch, rounds, seeds, size, fieldSize,
                epochs, minutes), StandardCharsets.UTF_8);
        System.out.println(Files.readString(report));
        System.out.println("written " + report.toAbsolutePath() + " and " + png.toAbsolutePath());
    }

    /** A model trained on some labels: its test score, and its outputs on the whole pool for the next choice. */
    private record Round(double macroF1, int present, float[][] poolScores, float[] thresholds) {
    }

    private static Round round(NetworkSpec spec, SampleSet pool, int[] labelled, SampleSet test, int epochs, long seed,
            Path out) throws IOException {
        // a fifth of the labelled fields fit early stopping and the thresholds, as the service's validation split
        int[] order = shuffled(labelled.length, new Random(seed + labelled.length));
        int validation = Math.max(1, labelled.length / 5);
        int[] validationIndices = IntStream.range(0, validation).map(i -> labelled[order[i]]).toArray();
        int[] trainIndices = IntStream.range(validation, labelled.length).map(i -> labelled[order[i]]).toArray();
        TrainingData data = new TrainingData(pool.subset(trainIndices), pool.subset(validationIndices),
                spec.inputSize());
        Path runs = out.resolve("active-learning-runs");
        TrainingResult result = TunetTraining.train(spec, data, TrainingOptions.builder()
                .setOutputDirectory(runs.resolve("run"))
                .optEpochs(epochs)
                .optBatchSize(8)
                .optSeed(seed)
                .optProgress(false)
                .build());
        try (OnnxTunet model = OnnxTunet.load(result.onnxModel()); OnnxTunet.Session session = model.newSession()) {
            MultiLabelMetrics metrics = Evaluation.report(Evaluation.score(test, spec.inputSize(), 8, session::predict),
                    result.thresholds()).metrics();
            float[][] poolScores = Evaluation.score(pool, spec.inputSize(), 8, session::predict).probabilities();
            return new Round(metrics.macroF1(), metrics.presentClassCount(), poolScores, result.thresholds());
        }
    }

    private static int[] randomBatch(int poolSize, int[] labelled, int batch, Random random) {
        boolean[] taken = taken(poolSize, labelled);
        return Arrays.stream(shuffled(poolSize, random)).filter(i -> !taken[i]).limit(batch).toArray();
    }

    /** The {@code batch} unlabelled pool fields with the highest queue score. */
    static int[] queueBatch(float[][] probabilities, float[] thresholds, int[] labelled, int batch) {
        boolean[] taken = taken(probabilities.length, labelled);
        double[] share = new double[HpaClasses.COUNT];
        for (float[] p : probabilities) {
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                share[c] += p[c] >= thresholds[c] ? 1.0 / probabilities.length : 0;
            }
        }
        double[] score = new double[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            score[i] = queueScore(probabilities[i], thresholds, share);
        }
        return IntStream.range(0, probabilities.length).filter(i -> !taken[i]).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -score[i]).thenComparing(i -> i))
                .limit(batch).mapToInt(Integer::intValue).toArray();
    }

    static double queueScore(float[] p, float[] t, double[] share) {
        double uncertainty = 0;
        double rarity = 0;
        boolean abstains = true;
        for (int c = 0; c < p.length; c++) {
            uncertainty = Math.max(uncertainty, 1 - Math.abs(p[c] - t[c]) / Math.max(t[c], 1 - t[c]));
            if (p[c] >= t[c]) {
                abstains = false;
                rarity = Math.max(rarity, Math.max(0, 1 - share[c] / RARE_SHARE));
            }
        }
        return uncertainty + RARITY_WEIGHT * rarity + (abstains ? ABSTAIN_BONUS : 0);
    }

    private static boolean[] taken(int size, int[] labelled) {
        boolean[] taken = new boolean[size];
        for (int i : labelled) {
            taken[i] = true;
        }
        return taken;
    }

    private static int[] shuffled(int n, Random random) {
        int[] order = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** Per strategy and label count, the mean macro-F1 over seeds with its range. */
    private static Map<String, Map<Integer, double[]>> summary(List<Point> points) {
        Map<String, Map<Integer, double[]>> summary = new LinkedHashMap<>();
        for (Point point : points) {
            double[] s = summary.computeIfAbsent(point.strategy(), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(point.labels(), k -> new double[] {0, 0, Double.MAX_VALUE, -Double.MAX_VALUE});
            s[0] += point.macroF1();
            s[1]++;
            s[2] = Math.min(s[2], point.macroF1());
            s[3] = Math.max(s[3], point.macroF1());
        }
        return summary;
    }

    private static void plot(List<Point> points, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(720).height(440)
                .title("Queue vs random labels on HPA-Synth (mean; dashed: min, max over seeds)")
                .xAxisTitle("labels given").yAxisTitle("test macro-F1 (present classes)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        Map<String, Color> colours = Map.of("random", new Color(120, 120, 120), "queue", new Color(214, 96, 20));
        summary(points).forEach((strategy, byLabels) -> {
            double[] x = byLabels.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] mean = byLabels.values().stream().mapToDouble(s -> s[0] / s[1]).toArray();
            double[] low = byLabels.values().stream().mapToDouble(s -> s[2]).toArray();
            double[] high = byLabels.values().stream().mapToDouble(s -> s[3]).toArray();
            XYSeries line = chart.addSeries(strategy, x, mean);
            line.setLineColor(colours.get(strategy));
            line.setMarkerColor(colours.get(strategy));
            line.setMarker(SeriesMarkers.CIRCLE);
            for (double[] edge : List.of(low, high)) {
                XYSeries band = chart.addSeries(strategy + (edge == low ? " min" : " max"), x, edge);
                band.setLineColor(colours.get(strategy));
                band.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {4f, 4f}, 0f));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(false);
            }
        });
        String name = png.toString();
        BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - ".png".length()),
                BitmapEncoder.BitmapFormat.PNG);
    }

    private static String markdown(List<Point> points, int pool, int test, int start, int batch, int rounds, int seeds,
            int size, int fieldSize, int epochs, double minutes) {
        StringBuilder md = new StringBuilder("# Label-next queue vs random labels (issue #19 §4)\n\n");
        md.append(String.format(Locale.ROOT, "- pool: %d HPA-Synth fields (seed %d), test: %d others (seed %d), "
                        + "generated at %d², trained at %d²; real label frequencies%n", pool, POOL_SEED, test,
                TEST_SEED, fieldSize, size));
        md.append(String.format(Locale.ROOT, "- %d random labels to start (the same for both strategies of a seed), "
                        + "then %d rounds of %d labels; after each round TUNet (cpu preset) is trained from scratch, "
                        + "%d epochs at most, a fifth of the labels for early stopping and thresholds%n", start, rounds,
                batch, epochs));
        md.append(String.format(Locale.ROOT, "- %d seeds; %d cores, %.0f minutes%n%n", seeds,
                Runtime.getRuntime().availableProcessors(), minutes));
        md.append("| labels | random: mean (min..max) | queue: mean (min..max) | queue − random |\n|---|---|---|---|\n");
        Map<String, Map<Integer, double[]>> summary = summary(points);
        for (Map.Entry<Integer, double[]> entry : summary.get("random").entrySet()) {
            double[] r = entry.getValue();
            double[] q = summary.get("queue").get(entry.getKey());
            md.append(String.format(Locale.ROOT, "| %d | %.3f (%.3f..%.3f) | %.3f (%.3f..%.3f) | %+.3f |%n",
                    entry.getKey(), r[0] / r[1], r[2], r[3], q[0] / q[1], q[2], q[3], q[0] / q[1] - r[0] / r[1]));
        }
        md.append("\n## Every run\n\n| seed | strategy | labels | macro-F1 | present classes |\n|---|---|---|---|---|\n");
        points.forEach(p -> md.append(String.format(Locale.ROOT, "| %d | %s | %d | %.3f | %d |%n", p.seed(),
                p.strategy(), p.labels(), p.macroF1(), p.presentClasses())));
        md.append("\n![learning curves](active-learning.png)\n");
        return md.toString();
    }

    private static final List<String> KEYS = List.of("pool", "test", "start", "batch", "rounds", "seeds", "size",
            "fieldSize", "epochs", "out");

    private static Map<String, String> arguments(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || !KEYS.contains(arg.substring(0, eq))) {
                throw new IllegalArgumentException("arguments are key=value with a key of " + KEYS + ", got '" + arg
                        + "'");
            }
            map.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return map;
    }
}
