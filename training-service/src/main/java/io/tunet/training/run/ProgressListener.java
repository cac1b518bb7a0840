package io.tunet.training.run;

import io.tunet.core.training.TrainingResult;

/** Receives a training run's progress; called on the training thread, so implementations stay cheap. */
public interface ProgressListener {

    /** A new phase began (loading data, training, scoring the champion, exporting, publishing). */
    default void phase(String phase) {
    }

    /** Training starts: {@code epochs} at most, {@code stepsPerEpoch} optimiser steps each. */
    default void started(int epochs, int stepsPerEpoch) {
    }

    /** One optimiser step finished. */
    default void step(int epoch, int step, double loss) {
    }

    /** One epoch finished (training and validation). */
    default void epoch(TrainingResult.EpochStats stats) {
    }

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };
}
