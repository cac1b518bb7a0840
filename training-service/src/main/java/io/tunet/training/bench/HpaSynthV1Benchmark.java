package io.tunet.training.bench;

import io.tunet.core.loss.FocalLoss;
import io.tunet.core.loss.SegmentationLoss;
import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
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
import io.tunet.schemas.HpaClasses;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.layout.HpaDirectoryWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * HPA-Synth v1 (DESIGN §4): TUNet (the {@code cpu} preset) and the paper's Table 3 baselines (ResNet34,
 * Inception-v3, Inception-ResNet-v2, at the same preset's size and base width) trained with the same budget on
 * the same generated train/validation split, thresholds fitted on validation, scored on a held-out generated
 * test set. A {@code main}, not a test. Writes {@code target/benchmarks/hpa-synth-v1.md}.
 *
 * <p>Arguments ({@code key=value}): {@code train=8000 validation=1000 test=2000 epochs=10 size=128 batch=8
 * patience=3 out=target/benchmarks arch=tunet,resnet34,inceptionv3,inceptionresnetv2}, and the recipe: {@code lr=}
 * (peak learning rate; the range test chooses it when absent), {@code gamma=2} (the focal loss's γ; 0 is plain
 * binary cross-entropy), {@code restart=2} (epochs of the first cosine cycle), {@code masks=DICE} (TUNet's
 * mask loss, the paper's; {@code DICE_AND_CROSS_ENTROPY} adds the masks' pixel-wise cross-entropy) and {@code gate=}
 * (whether TUNet's masks are gated by its class probabilities, {@link TunetConfig#gatedMasks()}; the {@code cpu}
 * preset's choice when absent). The defaults are the full
 * benchmark; smaller values give a reduced run, which the report says; {@code arch} picks the rows (e.g.
 * {@code arch=inceptionv3,inceptionresnetv2} adds rows beside an earlier run of the others on the same data).
 */
public final class HpaSynthV1Benchmark {

    private static final long TRAIN_SEED = 1;
    private static final long VALIDATION_SEED = 2;
    private static final long TEST_SEED = 3;

    private HpaSynthV1Benchmark() {
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Path out = settings.out();
        Path data = out.resolve("hpa-synth-v1-data").resolve(settings.size() + "");
        long started = System.nanoTime();
        Path train = generate(data.resolve("train-" + settings.train()), TRAIN_SEED, settings.train(), settings.size());
        Path validation = generate(data.resolve("validation-" + settings.validation()), VALIDATION_SEED,
                settings.validation(), settings.size());
        Path test = generate(data.resolve("test-" + settings.test()), TEST_SEED, settings.test(), settings.size());
        double generationSeconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "generated %d/%d/%d fields in %.0f s%n", settings.train(),
                settings.validation(), settings.test(), generationSeconds);

        SampleCache cache = SampleCache.open(out.resolve("hpa-synth-v1-cache"), settings.size(), ThresholdMethod.OTSU);
        TrainingData trainingData = new TrainingData(load(train, cache), load(validation, cache), settings.size());
        SampleSet testSamples = load(test, cache);

        TunetConfig config = TunetConfig.CPU.withInputSize(settings.size()).withGatedMasks(settings.gatedMasks());
        List<Row> rows = new ArrayList<>();
        for (NetworkSpec.Architecture architecture : settings.architectures()) {
            TunetConfig network = architecture == NetworkSpec.Architecture.TUNET ? config
                    : config.withGatedMasks(false);
            rows.add(run(new NetworkSpec(architecture, network), trainingData, testSamples, settings,
                    out.resolve("hpa-synth-v1-runs")));
        }
        Path report = out.resolve("hpa-synth-v1.md");
        Files.writeString(report, markdown(settings, rows, generationSeconds), StandardCharsets.UTF_8);
        System.out.println(Files.readString(report));
        System.out.println("written " + report.toAbsolutePath());
    }

    private record Row(NetworkSpec spec, TrainingResult result, Evaluation.Report test, double wallSeconds) {
    }

    private static Row run(NetworkSpec spec, TrainingData data, SampleSet testSamples,
            Settings settings, Path runs) {
        long started = System.nanoTime();
        TrainingResult result = TunetTraining.train(spec, data, TrainingOptions.builder()
                .setOutputDirectory(runs.resolve(spec.architecture().id()))
                .optEpochs(settings.epochs())
                .optPatience(settings.patience())
                .optBatchSize(settings.batch())
                .optSeed(42)
                .optLearningRate(settings.learningRate())
                .optFocalGamma(settings.focalGamma())
                .optSegmentationLoss(settings.segmentationLoss())
                .optRestartEpochs(settings.restartEpochs())
                .optProgress(true)
                .build());
        Evaluation.Report test;
        try (OnnxTunet model = OnnxTunet.load(result.onnxModel()); OnnxTunet.Session session = model.newSession()) {
            Evaluation.Scores scores = Evaluation.score(testSamples, data.size(), settings.batch(), session::predict);
            test = Evaluation.report(scores, result.thresholds());
        }
        double wall = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "%s: test %s; %.1f training samples/s, %.0f s%n",
                spec.architecture().id(), test.metrics().summary(), result.trainingSamplesPerSecond(), wall);
        return new Row(spec, result, test, wall);
    }

    /** Writes (once) {@code count} HPA-Synth fields of one seed as an HPA-layout directory. */
    static Path generate(Path dir, long seed, int count, int size) throws IOException {
        if (Files.isRegularFile(dir.resolve(HpaDirectory.LABELS_FILE))
                && Files.readAllLines(dir.resolve(HpaDirectory.LABELS_FILE)).size() == count + 1) {
            return dir;
        }
        HpaSynth synth = HpaSynth.builder().size(size).build();
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try (HpaDirectoryWriter writer = HpaDirectoryWriter.create(dir, true)) {
            List<Future<?>> futures = IntStream.range(0, count)
                    .mapToObj(i -> pool.submit(() -> {
                        writer.write(synth.generate(seed, i));
                        return null;
                    }))
                    .collect(java.util.stream.Collectors.toList());
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("generating " + dir + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating " + dir, e);
        } finally {
            pool.shutdownNow();
        }
        return dir;
    }

    private static SampleSet load(Path dir, SampleCache cache) throws DatasetException {
        return TrainingData.loadAll(HpaDirectory.open(dir), cache);
    }

    private static String markdown(Settings settings, List<Row> rows, double generationSeconds) {
        boolean full = settings.train() == 8000 && settings.validation() == 1000 && settings.test() == 2000
                && settings.epochs() == 10 && settings.size() == 128;
        StringBuilder md = new StringBuilder("# HPA-Synth v1: TUNet vs the Table 3 baselines\n\n");
        md.append(full ? "Full benchmark (DESIGN §4).\n\n" : "**Reduced run** (not the full benchmark of DESIGN §4: "
                + "8,000/1,000/2,000 fields, 10 epochs).\n\n");
        md.append(String.format(Locale.ROOT, "- fields: %,d train (seed %d) / %,d validation (seed %d) / %,d test "
                        + "(seed %d), S = %d, real label frequencies%n", settings.train(), TRAIN_SEED,
                settings.validation(), VALIDATION_SEED, settings.test(), TEST_SEED, settings.size()));
        md.append(String.format(Locale.ROOT, "- budget: at most %d epochs, early stopping on validation loss "
                        + "(patience %d), batch %d, seed 42; thresholds fitted on validation, scores on test%n",
                settings.epochs(), settings.patience(), settings.batch()));
        md.append(String.format(Locale.ROOT, "- recipe: Adam, peak rate %s, first cosine cycle %d epochs; "
                        + "classification loss %s; TUNet's mask loss %s, masks %s%n",
                Float.isNaN(settings.learningRate()) ? "chosen by the range test"
                        : String.format(Locale.ROOT, "%.2g", settings.learningRate()), settings.restartEpochs(),
                settings.focalGamma() == 0 ? "binary cross-entropy (focal γ = 0)"
                        : String.format(Locale.ROOT, "focal, γ = %.2g", settings.focalGamma()),
                settings.segmentationLoss() == SegmentationLoss.DICE ? "soft Dice (the paper's)"
                        : "soft Dice plus pixel-wise binary cross-entropy",
                settings.gatedMasks() ? "gated by the class probabilities" : "not gated (the paper's)"));
        md.append(String.format(Locale.ROOT, "- machine: %d cores (%s, %s), shared with other builds; "
                        + "generation took %.0f s%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), cpuName(), generationSeconds));
        int present = rows.get(0).test().metrics().presentClassCount();
        md.append(String.format(Locale.ROOT, "Macro-F1 is the mean over the %d classes present in the test set "
                + "(tunet-core's MultiLabelMetrics); the Kaggle column averages all 28 with an absent class at 0. "
                + "Labels per field: mean predicted vs true. Mask Dice: the binarised predicted mask of each "
                + "labelled class against its true mask; in brackets, \"the training target's own\": the same for "
                + "the weak label the mask branch trains towards (the thresholded green stain), what a model that "
                + "reproduced its target exactly would score.%n%n", present));
        md.append(String.format(Locale.ROOT, "| model | network | macro-F1 (%d present) | macro-F1 (Kaggle, 28) "
                + "| micro-F1 | precision | recall | labels per field | mask Dice | peak rate | epochs run (kept) "
                + "| training samples/s | wall time |%n|---|---|---|---|---|---|---|---|---|---|---|---|---|%n",
                present));
        for (Row row : rows) {
            var m = row.test().metrics();
            md.append(String.format(Locale.ROOT, "| %s | S=%d, base %d, depth %d | %.3f | %.3f | %.3f | %.3f | %.3f "
                            + "| %.2f vs %.2f | %s | %.2g | %d (%d) | %.1f | %.0f s |%n",
                    row.spec().architecture().id(), row.spec().inputSize(), row.spec().config().baseWidth(),
                    row.spec().config().depth(), m.macroF1(), m.kaggleMacroF1(), m.microF1(), m.macroPrecision(),
                    m.macroRecall(), m.meanPredictedLabels(), m.meanTrueLabels(),
                    Double.isNaN(row.test().meanDice()) ? "n/a (no masks)"
                            : String.format(Locale.ROOT, "%.3f (the training target's own: %.3f)",
                                    row.test().meanDice(), row.test().targetDice()),
                    row.result().learningRate(), row.result().history().size(), row.result().bestEpoch(),
                    row.result().trainingSamplesPerSecond(), row.wallSeconds()));
        }
        List<Row> masked = rows.stream().filter(r -> !Double.isNaN(r.test().meanDice())).toList();
        md.append("\n## Per-class F1 on test\n\nn/a: the class is absent from the test set. Mask Dice: the class's "
                + "labelled masks, in brackets its weak label's.\n\n| class | support |");
        rows.forEach(r -> md.append(' ').append(r.spec().architecture().id()).append(" |"));
        masked.forEach(r -> md.append(' ').append(r.spec().architecture().id()).append(" mask Dice |"));
        md.append("\n|---|---|");
        rows.forEach(r -> md.append("---|"));
        masked.forEach(r -> md.append("---|"));
        md.append('\n');
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            md.append(String.format(Locale.ROOT, "| %d %s | %d |", c, HpaClasses.name(c),
                    rows.get(0).test().metrics().support()[c]));
            for (Row row : rows) {
                md.append(' ').append(MultiLabelMetrics.format(row.test().metrics().perClassF1()[c])).append(" |");
            }
            for (Row row : masked) {
                double dice = row.test().classDice()[c];
                md.append(Double.isNaN(dice) ? " n/a |" : String.format(Locale.ROOT, " %.3f (%.3f) |", dice,
                        row.test().classTargetDice()[c]));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String cpuName() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private record Settings(int train, int validation, int test, int epochs, int size, int batch, int patience,
            float learningRate, float focalGamma, int restartEpochs, SegmentationLoss segmentationLoss,
            boolean gatedMasks, Path out, List<NetworkSpec.Architecture> architectures) {

        static Settings parse(String[] args) {
            java.util.Map<String, String> values = new java.util.HashMap<>();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("arguments are key=value, got '" + arg + "'");
                }
                values.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
            float gamma = decimal(values, "gamma", FocalLoss.DEFAULT_GAMMA);
            if (!(gamma >= 0)) {
                throw new IllegalArgumentException("gamma must be 0 or more, was " + gamma);
            }
            Settings settings = new Settings(integer(values, "train", 8000), integer(values, "validation", 1000),
                    integer(values, "test", 2000), integer(values, "epochs", 10), integer(values, "size", 128),
                    integer(values, "batch", 8), integer(values, "patience", 3), decimal(values, "lr", Float.NaN),
                    gamma, integer(values, "restart", TrainingOptions.DEFAULT_RESTART_EPOCHS), segmentationLoss(values),
                    gate(values.get("gate")), Path.of(values.getOrDefault("out", "target/benchmarks")),
                    architectures(values.get("arch")));
            values.keySet().removeAll(java.util.Set.of("train", "validation", "test", "epochs", "size", "batch",
                    "patience", "lr", "gamma", "restart", "masks", "gate", "out", "arch"));
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("unknown arguments " + values.keySet());
            }
            return settings;
        }

        private static SegmentationLoss segmentationLoss(java.util.Map<String, String> values) {
            String value = values.get("masks");
            if (value == null) {
                return TrainingOptions.DEFAULT_SEGMENTATION_LOSS;
            }
            try {
                return SegmentationLoss.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("masks must be one of "
                        + java.util.Arrays.toString(SegmentationLoss.values()) + ", was '" + value + "'", e);
            }
        }

        private static boolean gate(String value) {
            if (value == null) {
                return TunetConfig.CPU.gatedMasks();
            }
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("gate must be true or false, was '" + value + "'");
            };
        }

        /** Every architecture unless {@code arch=} names some, comma-separated, in the order given. */
        private static List<NetworkSpec.Architecture> architectures(String value) {
            if (value == null) {
                return List.of(NetworkSpec.Architecture.values());
            }
            List<NetworkSpec.Architecture> architectures = java.util.Arrays.stream(value.split(","))
                    .map(String::strip).filter(name -> !name.isEmpty())
                    .map(NetworkSpec.Architecture::parse).distinct().toList();
            if (architectures.isEmpty()) {
                throw new IllegalArgumentException("arch names no architecture: '" + value + "'");
            }
            return architectures;
        }

        private static float decimal(java.util.Map<String, String> values, String key, float fallback) {
            String value = values.get(key);
            if (value == null) {
                return fallback;
            }
            try {
                return Float.parseFloat(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, was '" + value + "'", e);
            }
        }

        private static int integer(java.util.Map<String, String> values, String key, int fallback) {
            String value = values.get(key);
            if (value == null) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value);
                if (parsed <= 0) {
                    throw new IllegalArgumentException(key + " must be positive, was " + parsed);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'", e);
            }
        }
    }
}
