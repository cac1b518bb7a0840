package io.tunet.training.run;

import io.tunet.core.model.NetworkSpec;
import io.tunet.training.promotion.GateSettings;

/**
 * Everything a retraining run of the service is configured with.
 *
 * @param modelName the registry name (key on {@code models}); inference follows it
 * @param network the network trained
 * @param trainer epochs, batch, rate, patience, augmentation, seed
 * @param validationFraction share of samples in the validation split (by a hash of the sample id): early stopping
 *     and the decision thresholds are fitted there
 * @param gateFraction share of samples in the gate split (the next slice of the same hash scale): held out from
 *     training, early stopping and thresholds; the promotion gate scores challenger and champion there
 * @param warmStart whether to start from the champion's published checkpoint, and what to do without it
 * @param gate the promotion rules
 * @param minTrainingSamples fewer labelled training samples than this and the run does not start
 */
public record RunSettings(String modelName, NetworkSpec network, TrainerSettings trainer, double validationFraction,
        double gateFraction, WarmStart warmStart, GateSettings gate, int minTrainingSamples) {

    public RunSettings {
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1): " + validationFraction);
        }
        if (!(gateFraction > 0 && validationFraction + gateFraction < 1)) {
            throw new IllegalArgumentException("gate fraction must be positive and leave samples to train on beside "
                    + "the validation fraction " + validationFraction + ": " + gateFraction);
        }
        if (warmStart == null) {
            throw new IllegalArgumentException("warm start must be given (OFF, PREFERRED or REQUIRED)");
        }
        if (minTrainingSamples < 1) {
            throw new IllegalArgumentException("minimum training samples must be positive: " + minTrainingSamples);
        }
    }

    /** The same settings with other trainer settings. */
    public RunSettings withTrainer(TrainerSettings other) {
        return new RunSettings(modelName, network, other, validationFraction, gateFraction, warmStart, gate,
                minTrainingSamples);
    }

    /** The same settings with another warm-start policy. */
    public RunSettings withWarmStart(WarmStart other) {
        return new RunSettings(modelName, network, trainer, validationFraction, gateFraction, other, gate,
                minTrainingSamples);
    }
}
