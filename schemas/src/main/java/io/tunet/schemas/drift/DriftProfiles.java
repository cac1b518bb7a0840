package io.tunet.schemas.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ReferenceHistogram;

/**
 * The arithmetic of {@code ModelVersion.reference}, kept next to its schema so that the writer (training, which
 * bins the fields a version was made from) and the reader (the results sink, which scores each plate against them)
 * count the same way: the bin rule of {@link ReferenceHistogram}, and the population stability index (PSI).
 *
 * <p>PSI = Σ (observed − expected) · ln(observed / expected) over the bins, each proportion floored at
 * {@value #FLOOR} so that an empty bin gives a large but finite term. The usual reading: under 0.1 no shift, 0.1 to
 * 0.25 a moderate one, above 0.25 a significant one. That reading assumes large samples; a plate of a few dozen
 * fields shows a PSI of about 0.5 over ten bins by chance alone, so plates are scored with {@link #shift}, which
 * removes that chance level.
 */
public final class DriftProfiles {

    /** The floor of a bin's proportion in the PSI. */
    public static final double FLOOR = 1e-4;

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

    /** How many of the finite {@code values} fall in each bin of {@code histogram}. */
    public static double[] counts(ReferenceHistogram histogram, double[] values) {
        return counts(histogram.getEdges(), values);
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
     * The shift of a small sample against a reference, on the PSI's scale but fair to sample size: both sides
     * smoothed by half a count per bin (an empty bin of 20 fields is not evidence of a 10⁻⁴ share), and less the
     * PSI that two samples of these sizes drawn from one distribution show on average, (bins − 1)(1/n + 1/m), so
     * that 20 fields of an unchanged acquisition score about 0 instead of about 0.5 over ten bins. Floored at 0.
     *
     * @param expected        the reference's proportions per bin
     * @param referenceCount  how many observations the reference was made of
     * @param observedCounts  the sample's counts per bin
     */
    public static double shift(double[] expected, double referenceCount, double[] observedCounts) {
        if (expected.length != observedCounts.length) {
            throw new IllegalArgumentException("expected " + expected.length + " bins, observed " + observedCounts.length);
        }
        double observedCount = Arrays.stream(observedCounts).sum();
        if (observedCount <= 0 || referenceCount <= 0) {
            return 0;
        }
        int bins = expected.length;
        double[] e = new double[bins];
        double[] o = new double[bins];
        for (int i = 0; i < bins; i++) {
            e[i] = (expected[i] * referenceCount + 0.5) / (referenceCount + 0.5 * bins);
            o[i] = (observedCounts[i] + 0.5) / (observedCount + 0.5 * bins);
        }
        double noise = (bins - 1) * (1 / referenceCount + 1 / observedCount);
        return Math.max(0, psi(e, o) - noise);
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
