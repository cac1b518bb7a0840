package io.tunet.core.training;

import io.tunet.core.augment.Augmenter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.random.RandomGenerator;

/**
 * Builds the batches of one epoch on a thread of its own, a few ahead of the training step: reading the samples
 * (from the cache), augmenting them and assembling the arrays overlap the forward and backward pass instead of
 * adding to it. The queue is bounded, so memory holds {@code depth + 2} batches at most.
 *
 * <p>The batches are built one after the other with the caller's generator, in the same order as a loop would
 * build them, so a seeded run gives the same batches with or without prefetching. The generator must not be
 * used elsewhere until {@link #close()}.
 */
final class BatchPrefetcher implements AutoCloseable {

    private static final Object END = new Object();

    private record Failed(Throwable cause) {
    }

    private final BlockingQueue<Object> queue;
    private final Thread producer;

    /**
     * Starts building the batches of {@code order} (indices into {@code samples}) in chunks of {@code batchSize}.
     */
    BatchPrefetcher(SampleSet samples, int[] order, int batchSize, boolean withMasks, Augmenter augmenter,
            RandomGenerator rng, int size, int depth) {
        this.queue = new ArrayBlockingQueue<>(depth);
        this.producer = new Thread(() -> produce(samples, order, batchSize, withMasks, augmenter, rng, size),
                "batch-prefetch");
        producer.setDaemon(true);
        producer.start();
    }

    private void produce(SampleSet samples, int[] order, int batchSize, boolean withMasks, Augmenter augmenter,
            RandomGenerator rng, int size) {
        try {
            try {
                for (int start = 0; start < order.length; start += batchSize) {
                    List<TrainingData.Sample> chunk = new ArrayList<>(batchSize);
                    for (int i = start; i < Math.min(order.length, start + batchSize); i++) {
                        chunk.add(samples.get(order[i]));
                    }
                    queue.put(Batch.of(chunk, size, withMasks, augmenter, rng));
                }
                queue.put(END);
            } catch (RuntimeException | Error e) {
                queue.put(new Failed(e));
            }
        } catch (InterruptedException e) {
            // closed before the end of the epoch: nobody waits for the rest
        }
    }

    /**
     * The next batch, or null after the last one.
     *
     * @throws RuntimeException what building a batch threw (a cache read, for example)
     */
    Batch next() throws InterruptedException {
        Object item = queue.take();
        if (item == END) {
            queue.put(END);
            return null;
        }
        if (item instanceof Failed failed) {
            queue.put(failed);
            if (failed.cause() instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) failed.cause();
        }
        return (Batch) item;
    }

    /** Stops the producer (if still running) and waits for it. */
    @Override
    public void close() {
        producer.interrupt();
        boolean interrupted = false;
        while (producer.isAlive()) {
            try {
                producer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
