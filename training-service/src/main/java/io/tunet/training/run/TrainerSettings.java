package io.tunet.training.run;

import ai.djl.Device;

/**
 * How a network is trained: the subset of the paper's recipe a run may change.
 *
 * @param epochs maximum epochs
 * @param batchSize samples per step
 * @param learningRate Adam's peak rate, or NaN to use the learning-rate range test
 * @param patience epochs without a lower validation loss before stopping early
 * @param augment whether training batches are augmented
 * @param seed seeds the engine, shuffling and augmentation
 * @param device where the network trains (tunet-core's {@code TrainingDevice.parse})
 */
public record TrainerSettings(int epochs, int batchSize, float learningRate, int patience, boolean augment, long seed,
        Device device) {

    /** Settings for training on the CPU. */
    public TrainerSettings(int epochs, int batchSize, float learningRate, int patience, boolean augment, long seed) {
        this(epochs, batchSize, learningRate, patience, augment, seed, Device.cpu());
    }

    public TrainerSettings {
        if (epochs < 1 || batchSize < 1 || patience < 1) {
            throw new IllegalArgumentException("epochs, batch size and patience must be positive: " + epochs + ", "
                    + batchSize + ", " + patience);
        }
        if (!Float.isNaN(learningRate) && !(learningRate > 0 && learningRate < 10)) {
            throw new IllegalArgumentException("learning rate must be in (0, 10) or NaN (range test): " + learningRate);
        }
        if (device == null) {
            throw new IllegalArgumentException("a device is required");
        }
    }
}
