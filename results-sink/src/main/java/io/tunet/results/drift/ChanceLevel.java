package io.tunet.results.drift;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.tunet.schemas.drift.DriftProfiles;

/**
 * {@link DriftProfiles#chanceLevel}, the PSI that sampling alone reaches, cached: a monitor pass asks it for the same
 * reference bins and plate sizes again and again, and each answer is 2,000 simulated plates.
 *
 * <p>A plate is a small sample. With 30 fields over 10 equal bins, the PSI of a plate drawn from the reference
 * itself averages about (bins − 1) / n ≈ 0.3, and a bin that happens to stay empty costs about 0.7 on its own
 * (the PSI's floor of {@value DriftProfiles#FLOOR}); a fixed threshold of 0.25 would call most small normal plates
 * drifted. So a PSI raises the alarm only above both the threshold and this level. For a plate of thousands of
 * fields the level is far below 0.25 and the threshold alone decides. Results are cached (a few thousand entries,
 * cleared when full).
 */
final class ChanceLevel {

    private static final int CACHE_LIMIT = 4096;

    private final Map<Key, Double> cache = new ConcurrentHashMap<>();

    /**
     * The level for {@code n} values over bins with the {@code expected} proportions (summing to 1) of a reference
     * made of {@code referenceCount} fields.
     */
    double of(double[] expected, int n, int referenceCount) {
        Key key = new Key(expected.clone(), n, referenceCount);
        Double cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        double level = DriftProfiles.chanceLevel(expected, n, referenceCount);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(key, level);
        return level;
    }

    private record Key(double[] expected, int n, int referenceCount) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.n == n && k.referenceCount == referenceCount
                    && Arrays.equals(k.expected, expected);
        }

        @Override
        public int hashCode() {
            return (31 * Arrays.hashCode(expected) + n) * 31 + referenceCount;
        }
    }
}
