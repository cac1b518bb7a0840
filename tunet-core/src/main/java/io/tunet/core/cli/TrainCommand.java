package io.tunet.core.cli;

import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.core.loss.SegmentationLoss;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.training.EpochOrder;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.TrainingData;
import io.tunet.core.training.TrainingDevice;
import io.tunet.core.training.TrainingOptions;
import io.tunet.core.training.TrainingResult;
import io.tunet.core.training.TunetTraining;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Trains TUNet or a classification baseline (ResNet34, Inception-v3, Inception-ResNet-v2) on an HPA-layout
 * directory and writes the ONNX model, checkpoint and summary.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train on an HPA-layout directory (train.csv + <Id>_<stain>.png); writes <out>/<arch>.onnx, "
                + "<out>/checkpoints/ and <out>/summary.md.")
final class TrainCommand implements Callable<Integer> {

    private static final double DEFAULT_VALIDATION_FRACTION = 0.1;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, description = "HPA-layout directory.")
    Path data;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--arch", defaultValue = "tunet", description = "tunet, resnet34, inceptionv3 or "
            + "inceptionresnetv2 (default: ${DEFAULT-VALUE}); the baselines output probabilities only, no masks.")
    String architecture;

    @Option(names = "--preset", defaultValue = "cpu", description = "paper or cpu (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--size", description = "Input size, overriding the preset's.")
    Integer size;

    @Option(names = "--base-width", description = "First-stage width, overriding the preset's "
            + "(the Inception networks scale their published widths by it / 64).")
    Integer baseWidth;

    @Option(names = "--depth", description = "Down-sampling levels, overriding the preset's.")
    Integer depth;

    @Option(names = "--gated-masks", negatable = true, description = "TUNet: multiply each class's mask by the "
            + "classifier's probability of that class (--no-gated-masks: the paper's ungated masks); the preset's "
            + "choice when absent. tunet-core README, \"Mask loss\".")
    Boolean gatedMasks;

    @Option(names = "--epochs", defaultValue = "10", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0",
            description = "Stop after this many steps, then evaluate and export as usual; 0 for no limit (default).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", description = "Peak learning rate; without it the range test chooses one.")
    Float learningRate;

    @Option(names = "--restart-epochs", defaultValue = "" + TrainingOptions.DEFAULT_RESTART_EPOCHS,
            description = "Length in epochs of the first cosine cycle of the learning rate; each next cycle doubles "
                    + "(default: ${DEFAULT-VALUE}; as many as --epochs: one cycle, annealed to its floor at the end "
                    + "of the run).")
    int restartEpochs;

    @Option(names = "--patience", defaultValue = "3", description = "Early-stopping patience (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--validation-fraction", description = "Validation share of --data (default: 0.1).")
    Double validationFraction;

    @Option(names = "--validation-data", description = "HPA-layout directory to validate on (early stopping and "
            + "thresholds) instead of a share of --data; every field of --data then trains. Use it when the training "
            + "fields are sampled differently from the fields the model will meet, e.g. class-balanced.")
    Path validationData;

    @Option(names = "--mask-threshold", defaultValue = "OTSU",
            description = "Green-stain threshold for the weak masks: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    ThresholdMethod maskThreshold;

    @Option(names = "--threshold-strategy", defaultValue = "CAPPED_F1",
            description = "Decision thresholds: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    TrainingOptions.ThresholdStrategy thresholdStrategy;

    @Option(names = "--segmentation-weight", defaultValue = "0.4",
            description = "α in α·L_seg + (1 − α)·focal (default: ${DEFAULT-VALUE}).")
    float segmentationWeight;

    @Option(names = "--segmentation-loss", description = "L_seg, the mask branch's loss: ${COMPLETION-CANDIDATES}; "
            + "DICE is the paper's; DICE_AND_CROSS_ENTROPY adds the masks' pixel-wise cross-entropy "
            + "(default: ${DEFAULT-VALUE}).")
    SegmentationLoss segmentationLoss = TrainingOptions.DEFAULT_SEGMENTATION_LOSS;

    @Option(names = "--focal-gamma", defaultValue = "2", description = "Focal loss γ (default: ${DEFAULT-VALUE}).")
    float focalGamma;

    @Option(names = "--sampling", defaultValue = "UNIFORM", description = "How an epoch draws the training fields: "
            + "${COMPLETION-CANDIDATES}; REPEAT_FACTOR repeats fields of classes in under 10%% of them, by sqrt(0.1 "
            + "/ frequency) (default: ${DEFAULT-VALUE}).")
    EpochOrder.Sampling sampling;

    @Option(names = "--no-augment", description = "Train without augmentation.")
    boolean noAugment;

    @Option(names = "--version-label", defaultValue = "1", description = "Model version in the ONNX metadata.")
    String version;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu, gpu (the first GPU) or gpuN (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--init", description = "Warm start from a checkpoint (.params) of the same network.")
    Path initialWeights;

    @Option(names = "--cache", description = "Sample cache folder: every field is decoded and resized once, then "
            + "read back a batch at a time (default: " + SampleCache.DEFAULT_ROOT_TEXT + ").")
    Path cache;

    @Override
    public Integer call() throws DatasetException, IOException {
        if (validationData != null && validationFraction != null) {
            throw new ParameterException(spec.commandLine(),
                    "--validation-fraction and --validation-data exclude each other: with --validation-data every "
                    + "field of --data trains");
        }
        double fraction = validationFraction == null ? DEFAULT_VALIDATION_FRACTION : validationFraction;
        TunetConfig base = TunetConfig.preset(preset);
        TunetConfig config = new TunetConfig(size == null ? base.inputSize() : size,
                baseWidth == null ? base.baseWidth() : baseWidth, depth == null ? base.depth() : depth, base.dropout(),
                gatedMasks == null ? base.gatedMasks() : gatedMasks);
        NetworkSpec network = new NetworkSpec(NetworkSpec.Architecture.parse(architecture), config);
        TrainingOptions.Builder options = TrainingOptions.builder().setOutputDirectory(out).optEpochs(epochs)
                .optMaxSteps(steps).optBatchSize(batch).optRestartEpochs(restartEpochs).optPatience(patience)
                .optSeed(seed).optValidationFraction(fraction)
                .optMaskThreshold(maskThreshold).optThresholdStrategy(thresholdStrategy).optAugment(!noAugment)
                .optSegmentationWeight(segmentationWeight).optSegmentationLoss(segmentationLoss)
                .optFocalGamma(focalGamma).optSampling(sampling)
                .optModelVersion(version).optProgress(!noProgress).optInitialWeights(initialWeights)
                .optDevice(TrainingDevice.parse(device));
        if (learningRate != null) {
            options.optLearningRate(learningRate);
        }
        TrainingOptions built = options.build();
        PrintWriter console = spec.commandLine().getOut();
        console.println("training on " + built.device() + "; loading " + data + " at " + config.inputSize() + "²");
        console.flush();
        HpaDirectory directory = HpaDirectory.open(data);
        SampleCache samples = SampleCache.open(cache == null ? SampleCache.defaultRoot() : cache, config.inputSize(),
                maskThreshold);
        TrainingData trainingData;
        try (ProgressBar bar = noProgress ? null : new ProgressBarBuilder().setTaskName("cache")
                .setInitialMax(directory.entries().size()).setUnit(" fields", 1).setStyle(ProgressBarStyle.ASCII)
                .build()) {
            IntConsumer progress = done -> {
                if (bar != null) {
                    bar.stepTo(done);
                }
            };
            trainingData = validationData == null
                    ? TrainingData.load(directory, fraction, samples, progress)
                    : new TrainingData(TrainingData.loadAll(directory, directory.entries(), samples, progress),
                            TrainingData.loadAll(HpaDirectory.open(validationData), samples), config.inputSize());
        }
        console.println("samples cached in " + samples.folder());
        console.printf("%d training, %d validation samples, %s%n", trainingData.train().size(),
                trainingData.validation().size(),
                trainingData.hasTrueMasks() ? "true masks: Dice will be scored" : "no true masks");
        console.flush();
        TrainingResult result = TunetTraining.train(network, trainingData, built);
        String summary = Summaries.training(result);
        console.println(summary);
        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.md"), summary);
        return 0;
    }
}
