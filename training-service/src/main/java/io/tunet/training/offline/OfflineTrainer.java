package io.tunet.training.offline;

import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.HpaEntry;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.training.NonFiniteLossException;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.SampleSet;
import io.tunet.core.training.TrainingData;
import io.tunet.core.training.TrainingDevice;
import io.tunet.core.training.TrainingListener;
import io.tunet.core.training.TrainingResult;
import io.tunet.training.promotion.PromotionGate;
import io.tunet.training.report.ReportData;
import io.tunet.training.report.TrainingReport;
import io.tunet.training.run.RunTrainer;
import io.tunet.training.run.TrainerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The service's training, offline: {@code train --data <HPA-layout dir> --labels <csv> [--size 128]
 * [--device gpu]} trains on a directory with a progress bar and writes the ONNX file (thresholds in its
 * metadata), {@code thresholds.csv} and the same report the service writes. Exit status 2 for bad input
 * (one line naming the file and problem), 3 for a non-finite loss.
 */
@Command(name = "training-service", mixinStandardHelpOptions = true, subcommands = {OfflineTrainer.Train.class, PublishFirst.class},
        description = "Offline mode of the training service.")
public final class OfflineTrainer implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new OfflineTrainer()).execute(args));
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train TUNet (or a Table 3 baseline) on an HPA-layout directory and write ONNX, thresholds "
                    + "and a report.")
    static final class Train implements Callable<Integer> {

        @Option(names = "--data", required = true, description = "Directory with <Id>_<red|green|blue|yellow>.<png|tif|jpg>")
        Path data;

        @Option(names = "--labels", required = true, description = "Label file (Id,Target), e.g. <data>/train.csv")
        Path labels;

        @Option(names = "--size", defaultValue = "128", description = "Input size S (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpuN (default ${DEFAULT-VALUE})")
        String device;

        @Option(names = "--out", defaultValue = "training-out", description = "Output directory (default ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--arch", defaultValue = "tunet", description = "tunet, resnet34, inceptionv3 or "
                + "inceptionresnetv2 (default ${DEFAULT-VALUE}); the baselines have no mask output, which "
                + "inference-service requires")
        String architecture;

        @Option(names = "--preset", defaultValue = "cpu", description = "cpu or paper (default ${DEFAULT-VALUE})")
        String preset;

        @Option(names = "--base-width", description = "Base width; the preset's when absent")
        Integer baseWidth;

        @Option(names = "--depth", description = "Depth; the preset's when absent")
        Integer depth;

        @Option(names = "--gated-masks", negatable = true,
                description = "Gate TUNet's masks by its class probabilities; the preset's choice when absent")
        Boolean gatedMasks;

        @Option(names = "--epochs", defaultValue = "10")
        int epochs;

        @Option(names = "--batch", defaultValue = "8")
        int batch;

        @Option(names = "--lr", description = "Peak learning rate; the range test chooses it when absent")
        Float learningRate;

        @Option(names = "--patience", defaultValue = "3")
        int patience;

        @Option(names = "--validation-fraction", defaultValue = "0.1")
        double validationFraction;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Option(names = "--no-augment", description = "Do not augment training batches")
        boolean noAugment;

        @Option(names = "--model-name", defaultValue = "tunet")
        String modelName;

        @Option(names = "--no-progress", description = "No progress bar")
        boolean noProgress;

        @Option(names = "--cache", description = "Sample cache folder (default " + SampleCache.DEFAULT_ROOT_TEXT + ")")
        Path cache;

        @Override
        public Integer call() {
            try {
                return train();
            } catch (OfflineInputException | IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            } catch (NonFiniteLossException e) {
                System.err.println("error: " + e.getMessage());
                return 3;
            }
        }

        private int train() throws OfflineInputException {
            if (!Files.isDirectory(data)) {
                throw new OfflineInputException("--data " + data + " is not a directory");
            }
            TunetConfig base = TunetConfig.preset(preset);
            TunetConfig config = new TunetConfig(size, baseWidth == null ? base.baseWidth() : baseWidth,
                    depth == null ? base.depth() : depth, base.dropout(),
                    gatedMasks == null ? base.gatedMasks() : gatedMasks);
            NetworkSpec spec = new NetworkSpec(NetworkSpec.Architecture.parse(architecture), config);
            TrainerSettings settings = new TrainerSettings(epochs, batch,
                    learningRate == null ? Float.NaN : learningRate, patience, !noAugment, seed,
                    TrainingDevice.parse(device));
            List<LabelsFile.Row> rows = LabelsFile.read(labels);
            System.err.printf(Locale.ROOT, "caching %d samples at %d² ...%n", rows.size(), size);
            TrainingData trainingData = decode(rows);
            SampleSet train = trainingData.train();
            SampleSet validation = trainingData.validation();
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new OfflineInputException("cannot create --out " + out + ": " + e.getMessage());
            }
            TrainingResult trained;
            try (Progress progress = new Progress(!noProgress)) {
                trained = RunTrainer.train(spec, trainingData, settings, null, modelName, 1, out, progress, () -> false);
            }
            var baseline = PromotionGate.baseline(train.truths(), validation.truths());
            Path report = TrainingReport.write(out, new ReportData(modelName, 1, "offline", "offline: " + data,
                    "directory " + data.toAbsolutePath().normalize(), spec, trained, "trained from scratch",
                    train.labelLists(), validation.size(), null, null, null, baseline, null));
            Path thresholds = out.resolve("thresholds.csv");
            StringBuilder csv = new StringBuilder("class,name,threshold\n");
            float[] values = trained.validation().thresholds();
            for (int c = 0; c < values.length; c++) {
                csv.append(c).append(',').append(io.tunet.schemas.HpaClasses.name(c)).append(',')
                        .append(String.format(Locale.ROOT, "%.4f", values[c])).append('\n');
            }
            try {
                Files.writeString(thresholds, csv, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new OfflineInputException("cannot write " + thresholds + ": " + e.getMessage());
            }
            System.out.printf(Locale.ROOT, "validation (out-of-fold thresholds): %s%nclass-frequency baseline: "
                            + "macro-F1 %.4f over %d present classes%nwrote %s, %s, %s%n",
                    trained.validation().metrics().summary(), baseline.macroF1(), baseline.presentClassCount(),
                    trained.onnxModel(), thresholds, report);
            return 0;
        }

        /**
         * The labelled fields through the sample cache (decoded on all cores the first time), read as every other
         * tool reads a directory ({@link HpaDirectory}), split by id hash.
         */
        private TrainingData decode(List<LabelsFile.Row> rows) throws OfflineInputException {
            try {
                HpaDirectory directory = HpaDirectory.scan(data);
                Set<String> ids = directory.entries().stream().map(HpaEntry::id).collect(Collectors.toSet());
                List<HpaEntry> labelled = new ArrayList<>(rows.size());
                for (LabelsFile.Row row : rows) {
                    if (!ids.contains(row.id())) {
                        throw new OfflineInputException(labels + ": sample " + row.id() + " has no stain files in "
                                + data + " (<id>_<red|green|blue|yellow>.<png|tif|tiff|jpg|jpeg>, or <id>.ome.tif)");
                    }
                    labelled.add(new HpaEntry(row.id(), row.labels()));
                }
                return TrainingData.load(directory, labelled, validationFraction,
                        SampleCache.open(cache == null ? SampleCache.defaultRoot() : cache, size, ThresholdMethod.OTSU),
                        done -> { });
            } catch (IOException e) {
                throw new OfflineInputException("--cache " + cache + ": " + e.getMessage());
            } catch (DatasetException e) {
                throw new OfflineInputException("--data " + data + ": " + e.getMessage());
            }
        }
    }

    /** A progress bar per epoch on standard error. */
    private static final class Progress implements TrainingListener, AutoCloseable {

        private final boolean enabled;
        private ProgressBar bar;
        private int epochs;
        private int steps;

        Progress(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public void phase(String phase) {
            close();
            System.err.println(phase + " ...");
        }

        @Override
        public void started(int epochs, int stepsPerEpoch) {
            this.epochs = epochs;
            this.steps = stepsPerEpoch;
        }

        @Override
        public void step(StepProgress progress) {
            if (!enabled) {
                return;
            }
            if (progress.step() == 1) {
                close();
                bar = new ProgressBarBuilder().setTaskName("epoch " + progress.epoch() + "/" + epochs)
                        .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).showSpeed().build();
            }
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f, ETA %.0f s", progress.loss(),
                    progress.etaSeconds()));
        }

        @Override
        public void epoch(TrainingResult.EpochStats stats) {
            close();
            System.err.printf(Locale.ROOT, "epoch %d: train loss %.4f, validation loss %.4f, validation macro-F1 "
                            + "(present classes, at 0.5) %.3f%n",
                    stats.epoch(), stats.trainLoss(), stats.validationLoss(), stats.validationMacroF1());
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
