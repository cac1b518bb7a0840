package io.tunet.core.training;

import ai.djl.Device;
import io.tunet.core.loss.SegmentationLoss;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.thresholds.ThresholdFitter;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * How to train: every setting has a default except the output directory. Build with {@link #builder()}.
 *
 * @param outputDirectory where checkpoints and the exported ONNX model are written
 * @param epochs maximum number of epochs
 * @param batchSize samples per optimiser step
 * @param learningRate Adam's peak rate, or {@code NaN} to run the learning-rate range test and use its choice
 * @param minLearningRateFactor the cosine schedule's floor as a fraction of the peak rate
 * @param restartEpochs length of the first cosine cycle in epochs (each next cycle doubles)
 * @param patience epochs without a lower validation loss before stopping
 * @param seed seeds the engine, the shuffling and the augmentation
 * @param validationFraction share of samples in the validation split (by a hash of the id)
 * @param segmentationWeight α of the loss {@code α · L_seg + (1 − α) · focal}
 * @param segmentationLoss {@code L_seg}, the mask branch's loss
 * @param focalGamma the focal loss's γ
 * @param focalAlpha optional per-class α of the focal loss (28 values), or null
 * @param augment whether to augment training batches (dihedral, rotation, lighting)
 * @param maskThreshold how the green stain becomes the weak mask label
 * @param thresholdStrategy how per-class decision thresholds are fitted on validation
 * @param rangeTestSteps optimiser steps of the learning-rate range test
 * @param progress whether to show a progress bar on standard error
 * @param modelVersion version written into the exported model's metadata
 * @param initialWeights a checkpoint of the same network to start from (warm start), or null for fresh weights
 * @param modelName name written into the exported model's metadata and its file name ({@code <name>.onnx}), or
 *     null for the architecture's id
 * @param listener receives phases, steps (with loss and ETA) and epochs
 * @param cancellation checked before every optimiser step (range test included); when it turns true the
 *     training stops with {@link TrainingCancelledException} and exports nothing
 * @param maxSteps optimiser steps after which training stops (0: no limit)
 * @param device where the network trains ({@link TrainingDevice#parse}); the CPU by default, never the engine's
 *     own choice, so a run on a GPU host trains where it was asked to
 * @param sampling how an epoch draws the training samples ({@link EpochOrder})
 */
public record TrainingOptions(Path outputDirectory, int epochs, int batchSize, float learningRate,
        float minLearningRateFactor, int restartEpochs, int patience, long seed, double validationFraction,
        float segmentationWeight, SegmentationLoss segmentationLoss, float focalGamma, float[] focalAlpha,
        boolean augment, ThresholdMethod maskThreshold, ThresholdStrategy thresholdStrategy, int rangeTestSteps,
        boolean progress,
        String modelVersion, Path initialWeights, String modelName, TrainingListener listener,
        BooleanSupplier cancellation, int maxSteps, Device device, EpochOrder.Sampling sampling) {

    /** Epochs of the first cosine cycle unless {@link Builder#optRestartEpochs} says otherwise. */
    public static final int DEFAULT_RESTART_EPOCHS = 2;

    /** The mask branch's loss unless {@link Builder#optSegmentationLoss} says otherwise. */
    public static final SegmentationLoss DEFAULT_SEGMENTATION_LOSS = SegmentationLoss.DICE;

    /** How per-class decision thresholds are chosen on the validation split. */
    public enum ThresholdStrategy {
        /** Maximise each class's F1, predicting no class more than 1.5 times as often as it occurs (the default). */
        CAPPED_F1(ThresholdFitter::cappedMaxF1),
        /** Maximise each class's F1, however often that predicts the class. */
        MAX_F1(ThresholdFitter::maxF1),
        /** Predict each class as often as it occurs. */
        PREVALENCE(ThresholdFitter::prevalence);

        private final ThresholdFitter.Fit fit;

        ThresholdStrategy(ThresholdFitter.Fit fit) {
            this.fit = fit;
        }

        /** The fitting function of this strategy. */
        public ThresholdFitter.Fit fit() {
            return fit;
        }
    }

    /** Validates the options. */
    public TrainingOptions {
        if (outputDirectory == null) {
            throw new IllegalArgumentException("an output directory is required");
        }
        requirePositive("epochs", epochs);
        if (maxSteps < 0) {
            throw new IllegalArgumentException("the step limit must be 0 (none) or positive, got " + maxSteps);
        }
        requirePositive("batch size", batchSize);
        requirePositive("restart epochs", restartEpochs);
        requirePositive("patience", patience);
        requirePositive("range test steps", rangeTestSteps);
        if (!Float.isNaN(learningRate) && !(learningRate > 0 && learningRate < 10)) {
            throw new IllegalArgumentException("learning rate must be in (0, 10) or NaN (search), was " + learningRate);
        }
        if (!(minLearningRateFactor >= 0 && minLearningRateFactor <= 1)) {
            throw new IllegalArgumentException("minimum learning-rate factor must be in [0, 1]");
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), was " + validationFraction);
        }
        if (focalAlpha != null && focalAlpha.length != io.tunet.schemas.HpaClasses.COUNT) {
            throw new IllegalArgumentException("focal alpha needs " + io.tunet.schemas.HpaClasses.COUNT
                    + " values, got " + focalAlpha.length);
        }
        if (modelVersion == null || modelVersion.isBlank()) {
            throw new IllegalArgumentException("model version must not be blank");
        }
        if (segmentationLoss == null) {
            throw new IllegalArgumentException("a segmentation loss is required");
        }
        if (maskThreshold == null || thresholdStrategy == null) {
            throw new IllegalArgumentException("mask threshold method and threshold strategy are required");
        }
        if (modelName != null && !modelName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("model name must be letters, digits, '.', '_' or '-' (it names the "
                    + "ONNX file), was '" + modelName + "'");
        }
        if (listener == null || cancellation == null) {
            throw new IllegalArgumentException("listener and cancellation check are required (use "
                    + "TrainingListener.NONE and () -> false for none)");
        }
        if (device == null) {
            throw new IllegalArgumentException("a device is required (Device.cpu() for the CPU)");
        }
        if (sampling == null) {
            throw new IllegalArgumentException("a sampling is required (EpochOrder.Sampling.UNIFORM for each sample "
                    + "once per epoch)");
        }
        focalAlpha = focalAlpha == null ? null : focalAlpha.clone();
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    @Override
    public float[] focalAlpha() {
        return focalAlpha == null ? null : focalAlpha.clone();
    }

    /** Whether the learning rate is found by the range test. */
    public boolean searchLearningRate() {
        return Float.isNaN(learningRate);
    }

    /** A builder with the defaults; {@link Builder#setOutputDirectory(Path)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link TrainingOptions}: required {@code set…}, optional {@code opt…}. */
    public static final class Builder {
        private Path outputDirectory;
        private int epochs = 10;
        private int maxSteps;
        private int batchSize = 8;
        private float learningRate = Float.NaN;
        private float minLearningRateFactor = 0.01f;
        private int restartEpochs = DEFAULT_RESTART_EPOCHS;
        private int patience = 3;
        private long seed = 42;
        private double validationFraction = 0.1;
        private EpochOrder.Sampling sampling = EpochOrder.Sampling.UNIFORM;
        private float segmentationWeight = io.tunet.core.loss.TunetLoss.DEFAULT_ALPHA;
        private SegmentationLoss segmentationLoss = DEFAULT_SEGMENTATION_LOSS;
        private float focalGamma = io.tunet.core.loss.FocalLoss.DEFAULT_GAMMA;
        private float[] focalAlpha;
        private boolean augment = true;
        private ThresholdMethod maskThreshold = ThresholdMethod.OTSU;
        private ThresholdStrategy thresholdStrategy = ThresholdStrategy.CAPPED_F1;
        private int rangeTestSteps = 40;
        private boolean progress = true;
        private String modelVersion = "1";
        private Path initialWeights;
        private String modelName;
        private TrainingListener listener = TrainingListener.NONE;
        private BooleanSupplier cancellation = () -> false;
        private Device device = Device.cpu();

        private Builder() {
        }

        /** Where the network trains: the CPU by default; see {@link TrainingDevice#parse}. */
        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        /** Where checkpoints and the ONNX model go (required). */
        public Builder setOutputDirectory(Path outputDirectory) {
            this.outputDirectory = outputDirectory;
            return this;
        }

        /**
         * Stops training after this many optimiser steps, then validates, fits thresholds and exports as after
         * the last epoch (smoke runs, benchmarks); 0, the default, for no limit.
         */
        public Builder optMaxSteps(int maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        /** Maximum epochs; 10 by default (HPA-Synth v1's budget). */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Batch size; 8 by default. */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** A fixed peak learning rate instead of the range test. */
        public Builder optLearningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Cosine floor as a fraction of the peak; 0.01 by default. */
        public Builder optMinLearningRateFactor(float factor) {
            this.minLearningRateFactor = factor;
            return this;
        }

        /** First cosine cycle in epochs; 2 by default. */
        public Builder optRestartEpochs(int restartEpochs) {
            this.restartEpochs = restartEpochs;
            return this;
        }

        /** Early-stopping patience in epochs; 3 by default. */
        public Builder optPatience(int patience) {
            this.patience = patience;
            return this;
        }

        /** Seed; 42 by default. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Validation share; 0.1 by default (the paper's 10%). */
        public Builder optValidationFraction(double validationFraction) {
            this.validationFraction = validationFraction;
            return this;
        }

        /** Weight α of the segmentation loss; 0.4 by default. */
        public Builder optSegmentationWeight(float segmentationWeight) {
            this.segmentationWeight = segmentationWeight;
            return this;
        }

        /** The mask branch's loss; soft Dice alone (the paper's) by default. */
        public Builder optSegmentationLoss(SegmentationLoss segmentationLoss) {
            this.segmentationLoss = segmentationLoss;
            return this;
        }

        /** Focal γ; 2 by default. */
        public Builder optFocalGamma(float focalGamma) {
            this.focalGamma = focalGamma;
            return this;
        }

        /** Per-class focal α (28 values); none by default. */
        public Builder optFocalAlpha(float[] focalAlpha) {
            this.focalAlpha = focalAlpha;
            return this;
        }

        /** How an epoch draws the training samples; each once by default ({@link EpochOrder.Sampling#UNIFORM}). */
        public Builder optSampling(EpochOrder.Sampling sampling) {
            this.sampling = sampling;
            return this;
        }

        /** Augmentation of training batches; on by default. */
        public Builder optAugment(boolean augment) {
            this.augment = augment;
            return this;
        }

        /** Green-stain threshold method for the weak masks; Otsu by default. */
        public Builder optMaskThreshold(ThresholdMethod maskThreshold) {
            this.maskThreshold = maskThreshold;
            return this;
        }

        /** Decision-threshold strategy; max-F1 by default. */
        public Builder optThresholdStrategy(ThresholdStrategy thresholdStrategy) {
            this.thresholdStrategy = thresholdStrategy;
            return this;
        }

        /** Steps of the learning-rate range test; 40 by default. */
        public Builder optRangeTestSteps(int rangeTestSteps) {
            this.rangeTestSteps = rangeTestSteps;
            return this;
        }

        /** Progress bar on standard error; on by default. */
        public Builder optProgress(boolean progress) {
            this.progress = progress;
            return this;
        }

        /** Version written into the exported model; "1" by default. */
        public Builder optModelVersion(String modelVersion) {
            this.modelVersion = modelVersion;
            return this;
        }

        /** Start from this checkpoint (a {@code .params} file written by a run of the same network). */
        public Builder optInitialWeights(Path checkpoint) {
            this.initialWeights = checkpoint;
            return this;
        }

        /** Name in the exported model's metadata and file; the architecture's id by default. */
        public Builder optModelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /** Receives progress (phases, steps with loss and ETA, epochs); none by default. */
        public Builder optListener(TrainingListener listener) {
            this.listener = listener;
            return this;
        }

        /** Checked before every step; when true the training stops with {@link TrainingCancelledException}. */
        public Builder optCancellation(BooleanSupplier cancellation) {
            this.cancellation = cancellation;
            return this;
        }

        /**
         * Builds the options.
         *
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public TrainingOptions build() {
            return new TrainingOptions(outputDirectory, epochs, batchSize, learningRate, minLearningRateFactor,
                    restartEpochs, patience, seed, validationFraction, segmentationWeight, segmentationLoss,
                    focalGamma, focalAlpha, augment, maskThreshold, thresholdStrategy, rangeTestSteps, progress,
                    modelVersion, initialWeights, modelName, listener, cancellation, maxSteps, device, sampling);
        }
    }
}
