package io.tunet.simulator.cli;

/** Spaces events evenly at a rate per second; a rate of 0 or less means no limit. */
final class RateLimiter {

    private final double rate;
    private final long start = System.nanoTime();

    RateLimiter(double rate) {
        this.rate = rate;
    }

    /** Sleeps until event {@code index} (0-based) is due. */
    void await(long index) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        long due = start + (long) (index * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
