package io.tunet.inference.pipeline;

/**
 * Hands out batch numbers in the order batches are formed and lets batches publish only in that order, so
 * that with several inference threads the outputs of a partition never go back to an older model version.
 */
final class PublishOrder {

    private long issued;
    private long next;

    /** The number of a newly formed batch. */
    synchronized long issue() {
        return issued++;
    }

    /** Waits until every batch formed before {@code batch} has published. */
    synchronized void awaitTurn(long batch) throws InterruptedException {
        while (next != batch) {
            wait();
        }
    }

    /** Marks the batch whose turn it is as published. */
    synchronized void done() {
        next++;
        notifyAll();
    }
}
