package io.tunet.results.drift;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import io.tunet.schemas.drift.DriftProfiles;

/**
 * The PSI that sampling alone reaches: the {@value #QUANTILE} quantile of {@link DriftProfiles#psi} between the
 * expected proportions and {@value #DRAWS} samples of {@code n} values drawn from those very proportions.
 *
 * <p>A plate is a small sample. With 30 fields over 10 equal bins, the PSI of a plate drawn from the reference
 * itself averages about (bins − 1) / n ≈ 0.3, and a bin that happens to stay empty costs about 0.7 on its own
 * (the PSI's floor of {@value DriftProfiles#FLOOR}); a fixed threshold of 0.25 would call most small normal plates
 * drifted. So a PSI raises the alarm only above both the threshold and this level. For a plate of thousands of
 * fields the level is far below 0.25 and the threshold alone decides.
 *
 * <p>Deterministic: the draws are seeded by the proportions and {@code n}, so the same plate always gets the same
 * level (a replay changes nothing). Results are cached (a few thousand entries, cleared when full).
 */
final class ChanceLevel {

    static final int DRAWS = 2000;
    static final double QUANTILE = 0.995;
    private static final int CACHE_LIMIT = 4096;

    private final Map<Key, Double> cache = new ConcurrentHashMap<>();

    /** The level for {@code n} values over bins with the {@code expected} proportions (summing to 1). */
    double of(double[] expected, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("need at least one value, got " + n);
        }
        Key key = new Key(expected.clone(), n);
        Double cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        double level = simulate(expected, n);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(key, level);
        return level;
    }

    private static double simulate(double[] expected, int n) {
        double[] cumulative = new double[expected.length];
        double total = 0;
        for (int i = 0; i < expected.length; i++) {
            total += expected[i];
            cumulative[i] = total;
        }
        SplittableRandom random = new SplittableRandom(31L * Arrays.hashCode(expected) + n);
        double[] psis = new double[DRAWS];
        double[] observed = new double[expected.length];
        for (int d = 0; d < DRAWS; d++) {
            Arrays.fill(observed, 0);
            for (int v = 0; v < n; v++) {
                int bin = Arrays.binarySearch(cumulative, random.nextDouble() * total);
                observed[Math.min(bin < 0 ? -bin - 1 : bin, expected.length - 1)]++;
            }
            for (int i = 0; i < observed.length; i++) {
                observed[i] /= n;
            }
            psis[d] = DriftProfiles.psi(expected, observed);
        }
        Arrays.sort(psis);
        return psis[(int) Math.ceil(QUANTILE * DRAWS) - 1];
    }

    private record Key(double[] expected, int n) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.n == n && Arrays.equals(k.expected, expected);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(expected) + n;
        }
    }
}
