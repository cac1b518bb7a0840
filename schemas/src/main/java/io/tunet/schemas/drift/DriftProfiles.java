package io.tunet.schemas.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ReferenceHistogram;

/**
 * The arithmetic of {@code ModelVersion.reference}, kept next to its schema so that the writer (training, which
 * bins the fields a version was made from) and the reader (the results sink, which scores each plate against them)
 * count the same way: the bin rule of {@link ReferenceHistogram}, and the population stability index (PSI).
 *
 * <p>PSI = Σ (observed − expected) · ln(observed / expected) over the bins, each proportion floored at
 * {@value #FLOOR} so that an empty bin gives a large but finite term. The usual reading: under 0.1 no shift, 0.1 to
 * 0.25 a moderate one, above 0.25 a significant one. That reading assumes large samples; for a plate of a few
 * dozen fields see {@link #chanceLevel}.
 */
public final class DriftProfiles {

    /** The floor of a bin's proportion in the PSI. */
    public static final double FLOOR = 1e-4;
    /** Samples drawn for {@link #chanceLevel}. */
    public static final int CHANCE_DRAWS = 2000;
    /** The quantile of their PSIs that {@link #chanceLevel} returns: a normal plate passes it once in 200. */
    public static final double CHANCE_QUANTILE = 0.995;

    private DriftProfiles() {
    }

    /**
     * The histogram of one statistic over the profiled fields: cut points at the {@code bins}-quantiles of the
     * finite values (repeated cut points merged, so a statistic with many equal values gets fewer bins), and the
     * proportion of values per bin.
     *
     * @return null when no value is finite (nothing to compare against)
     */
    public static ReferenceHistogram histogram(String statistic, double[] values, int bins) {
        if (bins < 2) {
            throw new IllegalArgumentException("need at least 2 bins, got " + bins);
        }
        double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            return null;
        }
        List<Double> edges = new ArrayList<>(bins - 1);
        for (int q = 1; q < bins; q++) {
            // the value below which q/bins of the fields lie; a cut at the maximum would leave the last bin empty
            double cut = finite[(int) Math.ceil((double) q * finite.length / bins) - 1];
            if (cut < finite[finite.length - 1] && (edges.isEmpty() || cut > edges.get(edges.size() - 1))) {
                edges.add(cut);
            }
        }
        return ReferenceHistogram.newBuilder().setStatistic(statistic).setEdges(edges)
                .setProportions(Arrays.stream(proportions(edges, finite)).boxed().toList()).build();
    }

    /** The bin of a value: how many cut points lie strictly below it. */
    public static int bin(List<Double> edges, double value) {
        int low = 0;
        int high = edges.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (edges.get(mid) < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** The proportion of the finite {@code values} in each bin of {@code histogram} (all zero when none is finite). */
    public static double[] proportions(ReferenceHistogram histogram, double[] values) {
        return proportions(histogram.getEdges(), values);
    }

    private static double[] proportions(List<Double> edges, double[] values) {
        double[] counts = counts(edges, values);
        double n = Arrays.stream(counts).sum();
        for (int i = 0; i < counts.length && n > 0; i++) {
            counts[i] /= n;
        }
        return counts;
    }

    private static double[] counts(List<Double> edges, double[] values) {
        double[] counts = new double[edges.size() + 1];
        for (double v : values) {
            if (Double.isFinite(v)) {
                counts[bin(edges, v)]++;
            }
        }
        return counts;
    }

    /** The population stability index of {@code observed} against {@code expected}, both proportions over the same bins. */
    public static double psi(double[] expected, double[] observed) {
        if (expected.length != observed.length) {
            throw new IllegalArgumentException("expected " + expected.length + " bins, observed " + observed.length);
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.max(expected[i], FLOOR);
            double o = Math.max(observed[i], FLOOR);
            psi += (o - e) * Math.log(o / e);
        }
        return psi;
    }

    /**
     * The PSI that sampling alone reaches: the {@value #CHANCE_QUANTILE} quantile of {@link #psi} between
     * {@code expected} and {@value #CHANCE_DRAWS} simulated samples of {@code n} values. A plate is a small sample: 32
     * fields over ten equal bins reach about 1.8 that way against an exact reference (a bin left empty by chance costs
     * about 0.7 through the floor), so a PSI means a shift only above this level as well as above the usual
     * threshold. The reference is a sample too ({@code referenceCount} fields: its cut points fall where its own
     * fields put them), so each simulated plate is drawn from bins whose true shares are themselves those of a sample
     * of {@code referenceCount} drawn from {@code expected}. Deterministic: the draws are seeded by the arguments.
     *
     * @param referenceCount fields the reference was made of; {@link Integer#MAX_VALUE} for an exact reference
     * @throws IllegalArgumentException if {@code n} or {@code referenceCount} is not positive
     */
    public static double chanceLevel(double[] expected, int n, int referenceCount) {
        if (n <= 0 || referenceCount <= 0) {
            throw new IllegalArgumentException("need at least one value on each side, got " + n + " and "
                    + referenceCount);
        }
        SplittableRandom random = new SplittableRandom((31L * Arrays.hashCode(expected) + n) * 31 + referenceCount);
        boolean exact = referenceCount == Integer.MAX_VALUE;
        double[] psis = new double[CHANCE_DRAWS];
        for (int d = 0; d < CHANCE_DRAWS; d++) {
            double[] truth = exact ? expected : draw(expected, referenceCount, random);
            psis[d] = psi(expected, draw(truth, n, random));
        }
        Arrays.sort(psis);
        return psis[(int) Math.ceil(CHANCE_QUANTILE * CHANCE_DRAWS) - 1];
    }

    /** The proportions of {@code n} values drawn from bins with the given shares. */
    private static double[] draw(double[] shares, int n, SplittableRandom random) {
        double[] cumulative = new double[shares.length];
        double total = 0;
        for (int i = 0; i < shares.length; i++) {
            total += shares[i];
            cumulative[i] = total;
        }
        double[] drawn = new double[shares.length];
        for (int v = 0; v < n; v++) {
            int bin = Arrays.binarySearch(cumulative, random.nextDouble() * total);
            drawn[Math.min(bin < 0 ? -bin - 1 : bin, shares.length - 1)]++;
        }
        for (int i = 0; i < drawn.length; i++) {
            drawn[i] /= n;
        }
        return drawn;
    }

    /**
     * The predictions of a set of fields as one distribution over {@value HpaClasses#COUNT} + 1 buckets: each
     * predicted class counts once in its bucket, a field with no class once in the last; divided by the total.
     *
     * @param classCounts per class, in how many fields it was predicted
     * @param noClass     how many fields had no class predicted
     */
    public static double[] predictionDistribution(double[] classCounts, double noClass) {
        if (classCounts.length != HpaClasses.COUNT) {
            throw new IllegalArgumentException("need " + HpaClasses.COUNT + " class counts, got " + classCounts.length);
        }
        double[] distribution = Arrays.copyOf(classCounts, HpaClasses.COUNT + 1);
        distribution[HpaClasses.COUNT] = noClass;
        double total = Arrays.stream(distribution).sum();
        for (int i = 0; i < distribution.length && total > 0; i++) {
            distribution[i] /= total;
        }
        return distribution;
    }
}
