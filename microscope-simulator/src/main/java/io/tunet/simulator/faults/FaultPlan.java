package io.tunet.simulator.faults;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Per-stain fault probabilities and the delay used for {@link Fault#DELAY}. At most one fault hits a stain;
 * the draw is made from the caller's seeded generator, so a run with the same seed injects the same faults.
 */
public final class FaultPlan {

    private final Map<Fault, Double> rates;
    private final Duration delay;

    private FaultPlan(Map<Fault, Double> rates, Duration delay) {
        double total = rates.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total > 1.0) {
            throw new IllegalArgumentException("fault rates add up to more than 1: " + rates);
        }
        this.rates = Map.copyOf(rates);
        this.delay = delay;
    }

    /** No faults. */
    public static FaultPlan none() {
        return new FaultPlan(Map.of(), Duration.ZERO);
    }

    /**
     * A plan with the given per-stain probabilities.
     *
     * @param delay how long a {@link Fault#DELAY}ed stain is held back (set it past the ingest timeout)
     */
    public static FaultPlan of(Map<Fault, Double> rates, Duration delay) {
        EnumMap<Fault, Double> copy = new EnumMap<>(Fault.class);
        rates.forEach((fault, rate) -> {
            if (rate < 0 || rate > 1 || Double.isNaN(rate)) {
                throw new IllegalArgumentException(fault + " rate must be within 0..1: " + rate);
            }
            if (rate > 0) {
                copy.put(fault, rate);
            }
        });
        return new FaultPlan(copy, delay);
    }

    /** The fault for one stain, if any. */
    public Optional<Fault> draw(RandomGenerator random) {
        if (rates.isEmpty()) {
            return Optional.empty();
        }
        double u = random.nextDouble();
        double cumulative = 0;
        for (Fault fault : Fault.values()) {
            cumulative += rates.getOrDefault(fault, 0.0);
            if (u < cumulative) {
                return Optional.of(fault);
            }
        }
        return Optional.empty();
    }

    public Duration delay() {
        return delay;
    }

    public boolean isEmpty() {
        return rates.isEmpty();
    }
}
