package io.tunet.core.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import io.tunet.core.augment.Augmenter;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.schemas.HpaClasses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How fast the training step runs on real data (read from a {@link SampleSet}, augmented and assembled by the
 * {@link BatchPrefetcher}, exactly as {@link TunetTraining} does) against the same steps on random data prepared
 * beforehand, in one process and on one model, in alternating blocks: the difference is what the data path
 * costs. For benchmarks.
 */
public final class StepRates {

    private StepRates() {
    }

    /**
     * Samples per second of each.
     *
     * @param real with the data path
     * @param random on batches built before the clock starts
     */
    public record Rates(double real, double random) {

        /** Real over random. */
        public double ratio() {
            return real / random;
        }
    }

    /**
     * Times {@code steps} Adam steps of batch {@code batchSize} on each, after {@code warmup} untimed steps each.
     *
     * @throws IllegalArgumentException if the set has fewer samples than {@code (warmup + steps) * batchSize}
     */
    public static Rates measure(NetworkSpec spec, SampleSet samples, int batchSize, int warmup, int steps, long seed) {
        int needed = (warmup + steps) * batchSize;
        if (samples.size() < needed) {
            throw new IllegalArgumentException(samples.size() + " samples cannot fill " + (warmup + steps)
                    + " batches of " + batchSize);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Batch> randomBatches = randomBatches(spec, batchSize, rng);
        try (Model model = Networks.newModel(spec, Device.cpu());
                Trainer trainer = TrainingStep.newTrainer(model, spec,
                        TrainingStep.defaultLossFor(spec), Tracker.fixed(1e-4f), batchSize)) {
            int[] order = TrainingStep.shuffledOrder(samples.size(), rng);
            int[] used = Arrays.copyOf(order, needed);
            long realNanos = 0;
            long randomNanos = 0;
            try (BatchPrefetcher batches = new BatchPrefetcher(samples, used, batchSize, spec.hasMasks(),
                    Augmenter.defaults(), rng, spec.inputSize(), 2)) {
                for (int i = 0; i < warmup; i++) {
                    step(trainer, next(batches));
                    step(trainer, randomBatches.get(i % randomBatches.size()));
                }
                // alternating blocks, so that a change of machine load hits both sides alike
                int block = Math.max(1, steps / 5);
                for (int done = 0; done < steps; done += block) {
                    int count = Math.min(block, steps - done);
                    long start = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        step(trainer, next(batches));
                    }
                    long middle = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        step(trainer, randomBatches.get((done + i) % randomBatches.size()));
                    }
                    realNanos += middle - start;
                    randomNanos += System.nanoTime() - middle;
                }
            }
            double real = steps * batchSize / (realNanos / 1e9);
            double random = steps * batchSize / (randomNanos / 1e9);
            return new Rates(real, random);
        }
    }

    /**
     * Samples per second of the data path alone: {@code batches} batches read from the set, augmented and assembled
     * by the prefetching batch builder, with no training step to overlap: the most a faster device could consume.
     */
    public static double dataPathAlone(SampleSet samples, int size, boolean withMasks, int batchSize, int batches,
            long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] order = Arrays.copyOf(TrainingStep.shuffledOrder(samples.size(), rng),
                Math.min(samples.size(), batches * batchSize));
        long start = System.nanoTime();
        int seen = 0;
        try (BatchPrefetcher prefetcher = new BatchPrefetcher(samples, order, batchSize, withMasks,
                Augmenter.defaults(), rng, size, 2)) {
            for (Batch batch = next(prefetcher); batch != null; batch = next(prefetcher)) {
                seen += batch.count();
            }
        }
        return seen / ((System.nanoTime() - start) / 1e9);
    }

    private static Batch next(BatchPrefetcher batches) {
        try {
            return batches.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void step(Trainer trainer, Batch batch) {
        try (NDManager manager = trainer.getManager().newSubManager()) {
            TrainingStep.run(trainer, batch.inputs(manager), batch.labels(manager));
        }
    }

    private static List<Batch> randomBatches(NetworkSpec spec, int batchSize, SplittableRandom rng) {
        int size = spec.inputSize();
        int plane = size * size;
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            List<TrainingData.Sample> chunk = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                float[] image = new float[4 * plane];
                byte[] mask = new byte[plane];
                for (int p = 0; p < image.length; p++) {
                    image[p] = (float) rng.nextDouble();
                }
                for (int p = 0; p < plane; p++) {
                    mask[p] = (byte) (rng.nextInt(4) == 0 ? 1 : 0);
                }
                chunk.add(new TrainingData.Sample("random-" + i, image, mask,
                        new int[] {rng.nextInt(HpaClasses.COUNT)}, null));
            }
            batches.add(Batch.of(chunk, size, spec.hasMasks(), null, null));
        }
        return batches;
    }
}
