package io.tunet.core.training;

import ai.djl.training.tracker.Tracker;

/**
 * Cosine annealing with warm restarts (SGDR): within a cycle the rate falls from {@code max} to {@code min}
 * along half a cosine, then jumps back to {@code max}; each cycle is {@code multiplier} times longer than
 * the previous one. The paper's "periodic learning rate increase followed by slow decrease".
 */
public final class CosineWarmRestarts implements Tracker {

    private final float max;
    private final float min;
    private final int firstCycle;
    private final int multiplier;

    /**
     * A schedule in optimizer updates, counted from 1 as DJL's optimizers count them ({@code Optimizer.updateCount}:
     * the first update of a parameter is number 1): update {@code firstCycle} is the last of the first cycle, at the
     * cycle's lowest rate, and update {@code firstCycle + 1} restarts at {@code max}. Read from 0, a run whose one
     * cycle spans it made its very last update at {@code max}, right after annealing (#17).
     *
     * @param max rate at the start of every cycle
     * @param min rate at the end of every cycle
     * @param firstCycle length of the first cycle in updates
     * @param multiplier growth of the cycle length at each restart (1 = equal cycles)
     * @throws IllegalArgumentException if the rates are not {@code 0 <= min <= max} or a length is not positive
     */
    public CosineWarmRestarts(float max, float min, int firstCycle, int multiplier) {
        if (!(min >= 0 && max >= min && max > 0)) {
            throw new IllegalArgumentException("need 0 <= min <= max and max > 0, got min " + min + ", max " + max);
        }
        if (firstCycle <= 0 || multiplier <= 0) {
            throw new IllegalArgumentException("cycle length and multiplier must be positive");
        }
        this.max = max;
        this.min = min;
        this.firstCycle = firstCycle;
        this.multiplier = multiplier;
    }

    @Override
    public float getNewValue(int numUpdate) {
        long update = Math.max(numUpdate, 1) - 1L;
        long start = 0;
        long length = firstCycle;
        while (update >= start + length) {
            start += length;
            length *= multiplier;
        }
        double t = (update - start) / (double) length;
        return (float) (min + 0.5 * (max - min) * (1 + Math.cos(Math.PI * t)));
    }
}
