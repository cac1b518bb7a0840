package io.tunet.results.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * One field as the drift monitor compares it with a reference: its QC figures in {@link #STATISTICS} order (NaN
 * where a figure is missing; all NaN when the field was classified without QC) and the labels predicted for it.
 */
public record FieldObservation(double[] qc, int[] predictedLabels) {

    /** The stains of the per-stain QC columns, in their array order. */
    public static final List<String> STAINS = List.of("red", "green", "blue", "yellow");
    /** The per-stain figures, in column order. */
    public static final List<String> STAIN_FIGURES = List.of("saturatedFraction", "p1", "p50", "p99", "p999");
    /**
     * Every statistic a reference may profile that the sink stores per prediction: the field figures, then
     * {@code <stain>.<figure>} stain by stain ({@code ReferenceHistogram.statistic} of the schema).
     */
    public static final List<String> STATISTICS = statistics();

    /**
     * @throws IllegalArgumentException if {@code qc} does not hold one value per statistic
     */
    public FieldObservation {
        if (qc.length != STATISTICS.size()) {
            throw new IllegalArgumentException("need " + STATISTICS.size() + " QC values, got " + qc.length);
        }
    }

    /** Whether any QC figure was measured for this field. */
    public boolean hasQc() {
        for (double v : qc) {
            if (!Double.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    /** The position of a statistic in {@link #qc()}, or -1 for a name the sink does not know. */
    public static int index(String statistic) {
        return STATISTICS.indexOf(statistic);
    }

    private static List<String> statistics() {
        List<String> names = new ArrayList<>(List.of("focus", "laplacianVariance", "foregroundFraction",
                "nuclei"));
        for (String stain : STAINS) {
            for (String figure : STAIN_FIGURES) {
                names.add(stain + "." + figure);
            }
        }
        return List.copyOf(names);
    }
}
