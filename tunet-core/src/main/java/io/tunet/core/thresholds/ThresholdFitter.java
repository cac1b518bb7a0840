package io.tunet.core.thresholds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-class decision thresholds fitted on a validation split (the paper's answer to 0.5 being a poor
 * cut-off for rare classes). A sample is predicted to carry class c when its probability is strictly
 * above threshold c. Classes without a single positive on validation give no evidence and keep 0.5.
 *
 * <p>Thresholds fitted on a set of samples flatter that set: scoring them there is optimistic, most of all
 * for rare classes, where the fit can place the cut just below the few positives. {@link #crossFitted}
 * gives decisions that were never fitted on the samples they decide, for honest scores on the same split.
 */
public final class ThresholdFitter {

    /** The threshold of a class that has no positives to fit on. */
    public static final float DEFAULT_THRESHOLD = 0.5f;

    /** Number of folds of {@link #crossFitted}. */
    public static final int FOLDS = 2;

    /** A way to fit per-class thresholds on samples: {@link #maxF1} or {@link #prevalence}. */
    @FunctionalInterface
    public interface Fit {
        /** One threshold per class for these samples. */
        float[] fit(float[][] probabilities, boolean[][] truth);
    }

    private ThresholdFitter() {
    }

    /**
     * For each class, the threshold that maximises that class's F1 on the given samples. Candidates are
     * the midpoints between consecutive distinct probabilities of the class, with 0 and 1 added as outer
     * sentinels (so "everything positive" and "nothing positive" are candidates too). Ties in F1 go to the
     * candidate nearest 0.5.
     *
     * @param probabilities {@code [sample][class]}, each in 0..1
     * @param truth         {@code [sample][class]}
     * @return one threshold per class
     * @throws IllegalArgumentException if shapes differ, there are no samples, or a probability is outside
     *                                  0..1 or not a number
     */
    public static float[] maxF1(float[][] probabilities, boolean[][] truth) {
        int classes = checkShape(probabilities, truth);
        float[] thresholds = new float[classes];
        for (int c = 0; c < classes; c++) {
            thresholds[c] = maxF1ForClass(sortedColumn(probabilities, truth, c));
        }
        return thresholds;
    }

    /**
     * For each class, the threshold at which the number of predicted positives equals the number of true
     * positives (the predicted rate matches the class's prevalence). When probabilities tie at the cut,
     * the tied samples all fall below it, so the predicted rate is at most the prevalence.
     *
     * @return one threshold per class
     * @throws IllegalArgumentException as {@link #maxF1}
     */
    public static float[] prevalence(float[][] probabilities, boolean[][] truth) {
        return countCap(probabilities, truth, 1.0);
    }

    /** Per class, the threshold that admits at most {@code ceil(factor × positives)} samples (0.5 without positives). */
    private static float[] countCap(float[][] probabilities, boolean[][] truth, double factor) {
        int classes = checkShape(probabilities, truth);
        float[] thresholds = new float[classes];
        for (int c = 0; c < classes; c++) {
            Column column = sortedColumn(probabilities, truth, c);
            int n = column.values.length;
            if (column.positives == 0) {
                thresholds[c] = DEFAULT_THRESHOLD;
                continue;
            }
            int admitted = (int) Math.min(n, Math.ceil(factor * column.positives));
            // values ascending: the top `admitted` values lie at indices n - admitted .. n - 1
            float lowestIn = column.values[n - admitted];
            float highestOut = admitted == n ? 0f : column.values[n - admitted - 1];
            thresholds[c] = between(highestOut, lowestIn);
        }
        return thresholds;
    }

    /**
     * How many times its positives a class may be predicted by {@link #cappedMaxF1}: enough room for F1 to trade
     * precision for recall, not enough to label every field with every class the model cannot tell apart.
     */
    public static final double COUNT_CAP = 1.5;

    /**
     * {@link #maxF1}, but no class is predicted on more than {@link #COUNT_CAP} times as many samples as carry
     * it: each class's threshold is the higher of its max-F1 threshold and the threshold that admits
     * {@code ceil(COUNT_CAP × positives)} samples. Why: for a class the model cannot yet separate, "everything
     * positive" has F1 {@code 2p / (1 + p)} for prevalence p, which beats any real cut, so plain max-F1 labels
     * every field with it; a weak model then gives fields six or seven labels where they carry one or two.
     * Measured on a weak first model (1,200 HPA-Synth fields, 4 epochs), thresholds fitted on 500 fields, scored
     * on 500 others: max-F1 gives macro-F1 0.198, micro-F1 0.269 and 6.26 labels per field against 1.62 true;
     * the cap gives 0.201, 0.505 and 1.89. The cap binds only where max-F1 floods, so a model that separates a
     * class keeps its F1-optimal cut.
     *
     * @return one threshold per class
     * @throws IllegalArgumentException as {@link #maxF1}
     */
    public static float[] cappedMaxF1(float[][] probabilities, boolean[][] truth) {
        float[] thresholds = maxF1(probabilities, truth);
        float[] cap = countCap(probabilities, truth, COUNT_CAP);
        for (int c = 0; c < thresholds.length; c++) {
            thresholds[c] = Math.max(thresholds[c], cap[c]);
        }
        return thresholds;
    }

    /**
     * Out-of-fold decisions by 2-fold cross-fitting: the samples at even positions are decided by thresholds
     * fitted (with {@code fit}) on the samples at odd positions, and the other way round. Every decision thus
     * comes from thresholds that never saw the sample, so scoring the pooled decisions against {@code truth}
     * estimates how thresholds fitted on this split fare on new samples (slightly pessimistically: each fit
     * sees half the samples). The split by position is deterministic, needs no ids and gives halves that
     * differ by at most one sample. A half with nothing to fit on (a single sample in all) leaves the other
     * half at {@link #DEFAULT_THRESHOLD}.
     *
     * @param probabilities {@code [sample][class]}, each in 0..1
     * @param truth         {@code [sample][class]}
     * @param fit           how thresholds are fitted on a half
     * @return {@code [sample][class]}: the decisions, each made at thresholds fitted on the other half
     * @throws IllegalArgumentException as {@link #maxF1}
     */
    public static boolean[][] crossFitted(float[][] probabilities, boolean[][] truth, Fit fit) {
        int classes = checkShape(probabilities, truth);
        boolean[][] decisions = new boolean[probabilities.length][];
        for (int fold = 0; fold < FOLDS; fold++) {
            List<Integer> held = new ArrayList<>();
            List<Integer> fitted = new ArrayList<>();
            for (int s = 0; s < probabilities.length; s++) {
                (s % FOLDS == fold ? held : fitted).add(s);
            }
            float[] thresholds;
            if (fitted.isEmpty()) {
                thresholds = new float[classes];
                Arrays.fill(thresholds, DEFAULT_THRESHOLD);
            } else {
                thresholds = fit.fit(fitted.stream().map(s -> probabilities[s]).toArray(float[][]::new),
                        fitted.stream().map(s -> truth[s]).toArray(boolean[][]::new));
            }
            for (int s : held) {
                decisions[s] = apply(new float[][] {probabilities[s]}, thresholds)[0];
            }
        }
        return decisions;
    }

    /**
     * Applies per-class thresholds: {@code result[s][c] = probabilities[s][c] > thresholds[c]}.
     *
     * @throws IllegalArgumentException if a row's length differs from the number of thresholds
     */
    public static boolean[][] apply(float[][] probabilities, float[] thresholds) {
        if (probabilities == null || thresholds == null) {
            throw new IllegalArgumentException("probabilities and thresholds are required");
        }
        boolean[][] predicted = new boolean[probabilities.length][];
        for (int s = 0; s < probabilities.length; s++) {
            float[] row = probabilities[s];
            if (row == null || row.length != thresholds.length) {
                throw new IllegalArgumentException("sample " + s + " has " + (row == null ? 0 : row.length)
                        + " probabilities but there are " + thresholds.length + " thresholds");
            }
            predicted[s] = new boolean[row.length];
            for (int c = 0; c < row.length; c++) {
                predicted[s][c] = row[c] > thresholds[c];
            }
        }
        return predicted;
    }

    private static float maxF1ForClass(Column column) {
        if (column.positives == 0) {
            return DEFAULT_THRESHOLD;
        }
        float[] values = column.values;
        boolean[] labels = column.labels;
        int n = values.length;
        // Sweep from "nothing positive" down: each step admits one more group of equal probabilities.
        float upper = values[n - 1] < 1f ? 1f : values[n - 1];
        float bestThreshold = between(values[n - 1], upper);
        double bestF1 = 0;
        long tp = 0;
        long fp = 0;
        int i = n - 1;
        while (i >= 0) {
            float value = values[i];
            while (i >= 0 && values[i] == value) {
                if (labels[i]) {
                    tp++;
                } else {
                    fp++;
                }
                i--;
            }
            if (value == 0f) {
                break; // a probability of exactly 0 cannot be above any threshold in 0..1
            }
            float below = i >= 0 ? values[i] : 0f;
            float threshold = between(below, value);
            double f1 = 2.0 * tp / (2.0 * tp + fp + (column.positives - tp));
            boolean better = f1 > bestF1 + 1e-12;
            boolean tieCloser = Math.abs(f1 - bestF1) <= 1e-12
                    && Math.abs(threshold - 0.5f) < Math.abs(bestThreshold - 0.5f);
            if (better || tieCloser) {
                bestF1 = f1;
                bestThreshold = threshold;
            }
        }
        return bestThreshold;
    }

    /** A threshold t with {@code low <= t < high} (their midpoint where floats allow), so p > t admits high. */
    private static float between(float low, float high) {
        if (low >= high) {
            return low;
        }
        float mid = low + (high - low) / 2f;
        return mid >= high ? low : mid;
    }

    private record Column(float[] values, boolean[] labels, int positives) {
    }

    private static Column sortedColumn(float[][] probabilities, boolean[][] truth, int c) {
        int n = probabilities.length;
        long[] keyed = new long[n];
        for (int s = 0; s < n; s++) {
            float p = probabilities[s][c];
            if (!(p >= 0f && p <= 1f)) {
                throw new IllegalArgumentException("probability of sample " + s + ", class " + c + " is " + p
                        + ", outside 0..1");
            }
            // non-negative floats order like their bit patterns: sort (bits, sample) pairs in one long
            keyed[s] = ((long) Float.floatToIntBits(p) << 32) | s;
        }
        Arrays.sort(keyed);
        float[] values = new float[n];
        boolean[] labels = new boolean[n];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            int s = (int) keyed[i];
            values[i] = Float.intBitsToFloat((int) (keyed[i] >>> 32));
            labels[i] = truth[s][c];
            positives += labels[i] ? 1 : 0;
        }
        return new Column(values, labels, positives);
    }

    private static int checkShape(float[][] probabilities, boolean[][] truth) {
        if (probabilities == null || truth == null) {
            throw new IllegalArgumentException("probabilities and truth are required");
        }
        if (probabilities.length != truth.length) {
            throw new IllegalArgumentException(probabilities.length + " probability rows but " + truth.length
                    + " truth rows");
        }
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("no samples to fit thresholds on");
        }
        int classes = probabilities[0] == null ? 0 : probabilities[0].length;
        if (classes == 0) {
            throw new IllegalArgumentException("sample 0 has no classes");
        }
        for (int s = 0; s < probabilities.length; s++) {
            if (probabilities[s] == null || probabilities[s].length != classes) {
                throw new IllegalArgumentException("probability row " + s + " has "
                        + (probabilities[s] == null ? 0 : probabilities[s].length) + " classes, expected " + classes);
            }
            if (truth[s] == null || truth[s].length != classes) {
                throw new IllegalArgumentException("truth row " + s + " has " + (truth[s] == null ? 0 : truth[s].length)
                        + " classes, expected " + classes);
            }
        }
        return classes;
    }
}
