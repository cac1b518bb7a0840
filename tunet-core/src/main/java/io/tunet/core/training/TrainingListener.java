package io.tunet.core.training;

/**
 * Receives a training's progress. Called on the training thread between steps, so implementations stay cheap;
 * an exception thrown here ends the training.
 */
public interface TrainingListener {

    /** A phase began: {@code "learning-rate range test"}, {@code "training"}, {@code "fitting thresholds and exporting"}. */
    default void phase(String phase) {
    }

    /** The epoch loop starts: {@code epochs} at most, {@code stepsPerEpoch} optimiser steps each. */
    default void started(int epochs, int stepsPerEpoch) {
    }

    /** One optimiser step finished. */
    default void step(StepProgress progress) {
    }

    /** One epoch finished, validation included. */
    default void epoch(TrainingResult.EpochStats stats) {
    }

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * Where the epoch loop is after a step.
     *
     * @param epoch 1-based epoch
     * @param epochs the epoch budget
     * @param step 1-based step within the epoch
     * @param stepsPerEpoch steps per epoch
     * @param loss the step's batch loss
     * @param etaSeconds seconds until the epoch budget is spent, from the mean time per step so far (validation
     *     included); early stopping can only make the run shorter
     */
    record StepProgress(int epoch, int epochs, int step, int stepsPerEpoch, double loss, double etaSeconds) {
    }
}
