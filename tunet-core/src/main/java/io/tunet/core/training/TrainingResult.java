package io.tunet.core.training;

import io.tunet.core.model.NetworkSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run produced.
 *
 * @param spec the network trained
 * @param learningRateSearch the range test, or null when the rate was given
 * @param learningRate the peak learning rate used
 * @param history one entry per epoch run
 * @param bestEpoch the epoch (1-based) whose weights were kept: the lowest validation loss
 * @param stoppedEarly whether early stopping ended the run before the epoch budget
 * @param validation the kept weights scored on the validation split: thresholds fitted on the whole split,
 *     metrics from 2-fold cross-fitted thresholds ({@link Evaluation#fitAndCrossScore})
 * @param onnxModel the exported ONNX model (with the fitted thresholds in its metadata)
 * @param checkpoint the DJL parameter file of the kept weights
 * @param onnxMaxDifference max |ONNX Runtime − PyTorch| over probabilities and masks of one validation batch
 * @param trainingSamplesPerSecond training throughput over all epochs (augmentation and batching included)
 */
public record TrainingResult(NetworkSpec spec, LearningRateSearch learningRateSearch, float learningRate,
        List<EpochStats> history, int bestEpoch, boolean stoppedEarly, Evaluation.Report validation,
        Path onnxModel, Path checkpoint, double onnxMaxDifference, double trainingSamplesPerSecond) {

    /**
     * One epoch.
     *
     * @param epoch 1-based epoch
     * @param trainLoss mean training loss (with augmentation and dropout)
     * @param trainMacroF1 macro-F1 (over the classes present) of the training batches' predictions at 0.5
     * @param validationLoss mean validation loss
     * @param validationMacroF1 validation macro-F1 (over the classes present) at 0.5 (thresholds are fitted only
     *     at the end)
     * @param learningRate the rate at the end of the epoch
     * @param seconds wall time of the epoch including validation
     */
    public record EpochStats(int epoch, double trainLoss, double trainMacroF1, double validationLoss,
            double validationMacroF1, float learningRate, double seconds) {
    }

    /** Copies the history. */
    public TrainingResult {
        history = List.copyOf(history);
    }

    /** The fitted per-class decision thresholds. */
    public float[] thresholds() {
        return validation.thresholds();
    }
}
