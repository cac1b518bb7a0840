package io.tunet.core.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.tunet.core.loss.FocalLoss;
import io.tunet.core.loss.TunetLoss;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.onnx.TunetPrediction;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/** One optimisation step, and the trainer it runs on: Adam with a learning-rate schedule. */
public final class TrainingStep {

    private TrainingStep() {
    }

    /** The loss a network trains with under {@code options}: TUNet's multi-task loss, or focal loss alone for
     * classification-only nets. */
    public static Loss lossFor(NetworkSpec spec, TrainingOptions options) {
        FocalLoss focal = new FocalLoss(options.focalGamma(), options.focalAlpha());
        return spec.hasMasks() ? new TunetLoss(options.segmentationWeight(), options.segmentationLoss(), focal) : focal;
    }

    /** The loss of the default {@link TrainingOptions}, for runs that only time or exercise steps. */
    public static Loss defaultLossFor(NetworkSpec spec) {
        return lossFor(spec, TrainingOptions.builder().setOutputDirectory(Path.of(".")).build());
    }

    /**
     * A trainer for {@code model} (whose block is not yet initialised) with Adam following {@code
     * learningRate}; the block is initialised for batches of {@code batchSize}. The caller closes it, and closes
     * the model after it: Adam's moment vectors belong to the model and are freed with it.
     */
    public static Trainer newTrainer(Model model, NetworkSpec spec, Loss loss, Tracker learningRate, int batchSize) {
        return newTrainer(model, spec, loss, adam(model, learningRate), batchSize);
    }

    /** Adam following {@code learningRate}, its moment vectors owned by {@code model}. */
    static Optimizer adam(Model model, Tracker learningRate) {
        return new ModelOwnedAdam(Adam.builder().optLearningRateTracker(learningRate), model.getNDManager());
    }

    static Trainer newTrainer(Model model, NetworkSpec spec, Loss loss, Optimizer optimizer, int batchSize) {
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer)
                .optInitializer(Networks.weightInitializer(), Parameter.Type.WEIGHT)
                // the model's own device: DJL's default is every GPU the engine sees
                .optDevices(new Device[] {model.getNDManager().getDevice()});
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

    /** Runs a batch through the trainer's network in evaluation mode: sigmoid probabilities and masks. */
    public static TunetPrediction predict(Trainer trainer, NetworkSpec spec, float[][] images) {
        int size = spec.inputSize();
        float[] flat = new float[images.length * 4 * size * size];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, flat, i * images[i].length, images[i].length);
        }
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDList out = trainer.evaluate(new NDList(manager.create(flat, new Shape(images.length, 4, size, size))));
            float[][] probabilities = rows(Activation.sigmoid(out.get(0)).toFloatArray(), images.length);
            float[][] masks = spec.hasMasks() ? rows(out.get(1).toFloatArray(), images.length) : null;
            return new TunetPrediction(probabilities, masks, size);
        }
    }

    /**
     * {@code order} topped up to whole batches of {@code batchSize} with its own first visits (cyclically, when it is
     * shorter than one batch), so that every step of a run has the same batch shape. libtorch's oneDNN keeps a
     * compiled primitive per input shape for the life of the process; with a partial last batch whose size follows
     * the labelled set, every retraining of a growing set added new ones: +27.8 MB per run in one JVM, against
     * +8.9 MB with whole batches ({@code TrainingMemoryBenchmark --grow}, README "Soak"). An epoch gains at most
     * {@code batchSize - 1} extra visits; they count in the epoch's training loss and F1 like any other.
     */
    public static int[] wholeBatches(int[] order, int batchSize) {
        if (order.length == 0 || order.length % batchSize == 0) {
            return order;
        }
        int[] whole = Arrays.copyOf(order, (order.length / batchSize + 1) * batchSize);
        for (int i = order.length; i < whole.length; i++) {
            whole[i] = order[i % order.length];
        }
        return whole;
    }

    /** A Fisher-Yates shuffled order of {@code 0..count-1}, driven by the caller's seeded generator. */
    public static int[] shuffledOrder(int count, SplittableRandom rng) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static float[][] rows(float[] values, int rows) {
        int length = values.length / rows;
        float[][] result = new float[rows][];
        for (int i = 0; i < rows; i++) {
            result[i] = Arrays.copyOfRange(values, i * length, (i + 1) * length);
        }
        return result;
    }
}
