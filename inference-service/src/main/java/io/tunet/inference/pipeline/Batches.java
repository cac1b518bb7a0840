package io.tunet.inference.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Dynamic batching: a batch closes when it is full or when its oldest item has waited long enough. */
final class Batches {

    private Batches() {
    }

    /**
     * Takes the next batch from {@code queue}: waits up to {@code idle} for a first item (empty list if none
     * comes), then keeps taking until {@code maxSize} items or until {@code maxWait} after the first.
     */
    static <T> List<T> next(BlockingQueue<T> queue, int maxSize, Duration maxWait, Duration idle)
            throws InterruptedException {
        T first = queue.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return List.of();
        }
        List<T> batch = new ArrayList<>(maxSize);
        batch.add(first);
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (batch.size() < maxSize) {
            if (queue.drainTo(batch, maxSize - batch.size()) > 0) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            T next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }
}
