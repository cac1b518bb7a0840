package io.tunet.synth.stats;

import io.tunet.synth.HpaSynth;
import io.tunet.synth.Stain;
import io.tunet.synth.SynthField;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures {@link RealismStats} over many generated fields and compares them with the ranges measured on
 * real HPA fields resampled to 512² (DESIGN §4); nucleus counts and areas are scaled to the generator's
 * size and cell density.
 */
public final class RealismReport {

    /** One figure: its spread over the fields, the target range and the share of fields inside it. */
    public record Row(String figure, double min, double median, double max, double targetLow, double targetHigh,
                      double insideFraction) {

        /** Whether the median lies in the target range. */
        public boolean medianOnTarget() {
            return median >= targetLow && median <= targetHigh;
        }
    }

    private final List<Row> rows;
    private final int fields;
    private final int size;

    private RealismReport(List<Row> rows, int fields, int size) {
        this.rows = List.copyOf(rows);
        this.fields = fields;
        this.size = size;
    }

    /**
     * Generates fields {@code 0..count-1} of {@code seed} and measures them.
     *
     * @throws IllegalArgumentException if {@code count < 1}
     */
    public static RealismReport measure(HpaSynth synth, long seed, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one field, got " + count);
        }
        int n = synth.size();
        double[][] perStainMean = new double[4][count];
        double[][] perStainP99 = new double[4][count];
        double[][] perStainFg = new double[4][count];
        double[] nuclei = new double[count];
        double[] area = new double[count];
        for (int i = 0; i < count; i++) {
            SynthField f = synth.generate(seed, i);
            float[][] stains = new float[4][];
            for (Stain s : Stain.values()) {
                stains[s.ordinal()] = f.stain(s);
            }
            RealismStats st = RealismStats.measure(stains, n);
            for (int s = 0; s < 4; s++) {
                perStainMean[s][i] = st.mean()[s];
                perStainP99[s][i] = st.p99()[s];
                perStainFg[s][i] = st.otsuForeground()[s];
            }
            nuclei[i] = st.nuclei();
            area[i] = st.medianNucleusArea();
        }
        // Real fields: 8..51 nuclei (median 18) and a median nucleus area of about 1,460 px at 512².
        double countScale = synth.cellsPerField() / 18.0;
        double areaScale = Math.pow(synth.size() / 512.0, 2) / countScale;
        List<Row> rows = new ArrayList<>();
        rows.add(row("nuclei per field", nuclei, 8 * countScale, 51 * countScale));
        rows.add(row("median nucleus area (px)", area, 1000 * areaScale, 2000 * areaScale));
        for (Stain s : Stain.values()) {
            rows.add(row(s.suffix() + " mean", perStainMean[s.ordinal()], 0.002, 0.19));
        }
        for (Stain s : Stain.values()) {
            rows.add(row(s.suffix() + " p99", perStainP99[s.ordinal()], 0.01, 0.8));
        }
        for (Stain s : Stain.values()) {
            rows.add(row(s.suffix() + " Otsu foreground", perStainFg[s.ordinal()], 0.001, 0.40));
        }
        return new RealismReport(rows, count, n);
    }

    private static Row row(String name, double[] values, double low, double high) {
        double[] v = values.clone();
        Arrays.sort(v);
        int inside = 0;
        for (double x : v) {
            if (x >= low && x <= high) {
                inside++;
            }
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Row(name, v[0], median, v[v.length - 1], low, high, (double) inside / v.length);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Whether every figure's median is inside its target range. */
    public boolean allMediansOnTarget() {
        return rows.stream().allMatch(Row::medianOnTarget);
    }

    /** A plain-text table. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "HPA-Synth realism, %d fields at %d² (targets: real HPA fields at 512², DESIGN §4)%n", fields, size));
        sb.append(String.format(Locale.ROOT, "%-26s %10s %10s %10s   %-19s %s%n", "figure", "min", "median", "max", "target", "fields inside"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-26s %10.4f %10.4f %10.4f   %-19s %5.1f%% %s%n", r.figure(), r.min(), r.median(), r.max(),
                    String.format(Locale.ROOT, "%.4g..%.4g", r.targetLow(), r.targetHigh()), 100 * r.insideFraction(),
                    r.medianOnTarget() ? "" : "  <- median off target"));
        }
        return sb.toString();
    }
}
