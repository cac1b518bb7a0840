package io.tunet.core.training;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import io.tunet.core.augment.Augmenter;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The learning-rate range test (paper §4): train a fresh copy of the network for a few steps while the rate
 * grows exponentially from {@link #MIN_RATE} to {@link #MAX_RATE}, smooth the loss curve, and choose a tenth
 * of the rate at its minimum — in the vicinity of the minimum but safely before the onset of divergence.
 * The search stops early once the smoothed loss exceeds four times its minimum or is not finite.
 *
 * @param rates the rates tried, one per step
 * @param smoothedLosses the smoothed loss after each step
 * @param chosen the chosen peak learning rate
 */
public record LearningRateSearch(float[] rates, float[] smoothedLosses, float chosen) {

    /** First rate tried. */
    public static final float MIN_RATE = 1e-6f;
    /** Last rate tried. */
    public static final float MAX_RATE = 1f;

    private static final double SMOOTHING = 0.8;

    /** Copies the arrays. */
    public LearningRateSearch {
        rates = rates.clone();
        smoothedLosses = smoothedLosses.clone();
    }

    @Override
    public float[] rates() {
        return rates.clone();
    }

    @Override
    public float[] smoothedLosses() {
        return smoothedLosses.clone();
    }

    /**
     * Runs the range test on a fresh model; the real training starts from new weights afterwards.
     *
     * @throws TrainingCancelledException if the options' cancellation check turns true
     */
    public static LearningRateSearch run(NetworkSpec spec, TrainingData data, TrainingOptions options) {
        int steps = options.rangeTestSteps();
        double growth = Math.pow(MAX_RATE / MIN_RATE, 1.0 / Math.max(1, steps - 1));
        SplittableRandom rng = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        Augmenter augmenter = options.augment() ? Augmenter.defaults() : null;
        List<Float> rates = new ArrayList<>();
        List<Float> smoothed = new ArrayList<>();
        Engine.getEngine(Networks.TRAINING_ENGINE).setRandomSeed((int) options.seed());
        // DJL's Adam counts updates from 1.
        ai.djl.training.tracker.Tracker exponential = update -> (float) (MIN_RATE * Math.pow(growth, update - 1));
        try (Model model = Networks.newModel(spec, options.device());
                Trainer trainer = TrainingStep.newTrainer(model, spec,
                        TrainingStep.lossFor(spec, options),
                        exponential, options.batchSize())) {
            double average = 0;
            double best = Double.POSITIVE_INFINITY;
            SampleSet train = data.train();
            for (int step = 0; step < steps; step++) {
                if (options.cancellation().getAsBoolean()) {
                    throw new TrainingCancelledException("cancelled in the learning-rate range test, step " + (step + 1));
                }
                List<TrainingData.Sample> chunk = new ArrayList<>(options.batchSize());
                for (int i = 0; i < options.batchSize(); i++) {
                    chunk.add(train.get(rng.nextInt(train.size())));
                }
                Batch batch = Batch.of(chunk, data.size(), spec.hasMasks(), augmenter, rng);
                float loss;
                try (NDManager manager = trainer.getManager().newSubManager()) {
                    loss = TrainingStep.run(trainer, batch.inputs(manager), batch.labels(manager)).loss();
                } catch (NonFiniteLossException e) {
                    break;
                }
                average = SMOOTHING * average + (1 - SMOOTHING) * loss;
                double debiased = average / (1 - Math.pow(SMOOTHING, step + 1));
                rates.add((float) (MIN_RATE * Math.pow(growth, step)));
                smoothed.add((float) debiased);
                best = Math.min(best, debiased);
                if (step > 2 && debiased > 4 * best) {
                    break;
                }
            }
        }
        if (rates.isEmpty()) {
            throw new NonFiniteLossException("the learning-rate range test diverged at its first step (rate "
                    + MIN_RATE + ")");
        }
        int argmin = 0;
        for (int i = 1; i < smoothed.size(); i++) {
            if (smoothed.get(i) < smoothed.get(argmin)) {
                argmin = i;
            }
        }
        float chosen = Math.max(MIN_RATE, rates.get(argmin) / 10);
        return new LearningRateSearch(toArray(rates), toArray(smoothed), chosen);
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LearningRateSearch[%d steps from %.0e, chosen %.2e, losses %s]",
                rates.length, MIN_RATE, chosen, Arrays.toString(smoothedLosses));
    }
}
