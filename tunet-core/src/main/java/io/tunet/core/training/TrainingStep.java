package io.tunet.core.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import io.tunet.core.loss.FocalLoss;
import io.tunet.core.loss.TunetLoss;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;

/** One optimisation step, and the trainer it runs on: Adam with a learning-rate schedule. */
public final class TrainingStep {

    private TrainingStep() {
    }

    /** The loss a network trains with: TUNet's multi-task loss, or focal loss for classification-only nets. */
    public static Loss lossFor(NetworkSpec spec, float alpha, FocalLoss focal) {
        return spec.hasMasks() ? new TunetLoss(alpha, focal) : focal;
    }

    /**
     * A trainer for {@code model} (whose block is not yet initialised) with Adam following {@code
     * learningRate}; the block is initialised for batches of {@code batchSize}. The caller closes it.
     */
    public static Trainer newTrainer(Model model, NetworkSpec spec, Loss loss, Tracker learningRate, int batchSize) {
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                .optOptimizer(Adam.builder().optLearningRateTracker(learningRate).build())
                .optInitializer(Networks.weightInitializer(), Parameter.Type.WEIGHT);
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(Networks.inputShape(spec, batchSize));
        return trainer;
    }

    /**
     * The outcome of one step.
     *
     * @param loss the batch loss before the update
     * @param probabilities the batch's class probabilities before the update, {@code [B * 28]}
     */
    public record Outcome(float loss, float[] probabilities) {
    }

    /**
     * Forward, loss, backward and one optimiser update.
     *
     * @throws NonFiniteLossException if the loss is NaN or infinite (no update is applied)
     */
    public static Outcome run(Trainer trainer, NDList inputs, NDList labels) {
        float loss;
        float[] probabilities;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(inputs);
            NDArray value = trainer.getLoss().evaluate(labels, predictions);
            loss = value.getFloat();
            if (!Float.isFinite(loss)) {
                throw new NonFiniteLossException("loss is " + loss);
            }
            probabilities = Activation.sigmoid(predictions.get(0)).toFloatArray();
            collector.backward(value);
        }
        trainer.step();
        return new Outcome(loss, probabilities);
    }
}
