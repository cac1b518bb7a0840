package io.tunet.core.metrics;

import java.util.Arrays;
import java.util.Locale;

/**
 * Classification quality of multi-label predictions, per class and averaged.
 *
 * <p>Per class c over the evaluated samples, with TP, FP and FN counted as usual:
 * <ul>
 *   <li>support = TP + FN (samples that truly carry c); c is <em>present</em> when its support is above 0;</li>
 *   <li>predicted = TP + FP (samples the model says carry c);</li>
 *   <li>recall = TP / support, and F1 = 2·TP / (2·TP + FP + FN), both defined for present classes only:
 *       an absent class has no recall and no F1 (NaN), whatever was predicted;</li>
 *   <li>precision = TP / predicted when predicted &gt; 0; a present class that is never predicted scores 0;
 *       an absent class that is never predicted has no precision (NaN), one with predictions scores 0.</li>
 * </ul>
 *
 * <p>Averages:
 * <ul>
 *   <li>{@link #macroF1()}, the headline: the mean F1 over the present classes ("macro-F1 over N present
 *       classes"), so a split that lacks a class neither helps nor hurts it. NaN when no class is present.</li>
 *   <li>{@link #kaggleMacroF1()}: the mean F1 over all classes with an absent class scoring 0 (the HPA Kaggle
 *       competition's figure, scikit-learn's {@code f1_score(average="macro", zero_division=0)}); equals
 *       {@code macroF1 × presentClassCount / classCount}, so it is lower whenever a class is absent.</li>
 *   <li>{@link #macroPrecision()} and {@link #macroRecall()}: means over the present classes.</li>
 *   <li>{@link #microF1()}: 2·ΣTP / (2·ΣTP + ΣFP + ΣFN) over all classes (false positives of absent classes
 *       count here); NaN only when there is neither a label nor a prediction.</li>
 *   <li>{@link #meanTrueLabels()} and {@link #meanPredictedLabels()}: labels per sample in the truth and in the
 *       predictions, so a model that predicts too many or too few labels shows.</li>
 * </ul>
 *
 * <p>Undefined values are NaN, never 1: under scikit-learn's {@code zero_division=1}, which this class
 * followed before, a class absent from the split and never predicted scored F1 = precision = recall = 1 and
 * lifted the 28-class mean (a 29-sample validation split gave 0.494 for a model at 0.195 on training).
 * Writers of formats without NaN (JSON) must write null or a dash for them.
 *
 * @param macroF1           mean of {@code perClassF1} over the present classes
 * @param microF1           2·ΣTP / (2·ΣTP + ΣFP + ΣFN)
 * @param macroPrecision    mean of {@code perClassPrecision} over the present classes
 * @param macroRecall       mean of {@code perClassRecall} over the present classes
 * @param perClassF1        F1 per class, NaN for an absent class
 * @param perClassPrecision precision per class, NaN for an absent class that is never predicted
 * @param perClassRecall    recall per class, NaN for an absent class
 * @param support           number of samples that truly carry each class
 * @param predicted         number of samples predicted to carry each class
 * @param samples           number of samples scored
 */
public record MultiLabelMetrics(double macroF1, double microF1, double macroPrecision, double macroRecall,
                                double[] perClassF1, double[] perClassPrecision, double[] perClassRecall,
                                int[] support, int[] predicted, int samples) {

    /**
     * Copies the arrays so the record cannot change after construction.
     *
     * @throws IllegalArgumentException if the per-class arrays differ in length or there are no samples
     */
    public MultiLabelMetrics {
        perClassF1 = perClassF1.clone();
        perClassPrecision = perClassPrecision.clone();
        perClassRecall = perClassRecall.clone();
        support = support.clone();
        predicted = predicted.clone();
        int classes = support.length;
        if (perClassF1.length != classes || perClassPrecision.length != classes || perClassRecall.length != classes
                || predicted.length != classes) {
            throw new IllegalArgumentException("per-class arrays differ in length");
        }
        if (samples <= 0) {
            throw new IllegalArgumentException("no samples scored");
        }
    }

    /** F1 per class (NaN for an absent class), a copy. */
    @Override
    public double[] perClassF1() {
        return perClassF1.clone();
    }

    /** Precision per class (NaN for an absent class that is never predicted), a copy. */
    @Override
    public double[] perClassPrecision() {
        return perClassPrecision.clone();
    }

    /** Recall per class (NaN for an absent class), a copy. */
    @Override
    public double[] perClassRecall() {
        return perClassRecall.clone();
    }

    /** Samples that truly carry each class, a copy. */
    @Override
    public int[] support() {
        return support.clone();
    }

    /** Samples predicted to carry each class, a copy. */
    @Override
    public int[] predicted() {
        return predicted.clone();
    }

    /** Number of classes scored. */
    public int classCount() {
        return support.length;
    }

    /** Whether class {@code c} occurs in the evaluated samples (support above 0). */
    public boolean present(int c) {
        return support[c] > 0;
    }

    /** Number of classes that occur in the evaluated samples: the N of "macro-F1 over N present classes". */
    public int presentClassCount() {
        return (int) Arrays.stream(support).filter(s -> s > 0).count();
    }

    /**
     * Mean F1 over all classes, an absent class scoring 0 (the Kaggle convention, scikit-learn's default
     * {@code zero_division=0}): the sum of the present classes' F1 divided by {@link #classCount()}.
     */
    public double kaggleMacroF1() {
        double sum = 0;
        for (int c = 0; c < support.length; c++) {
            if (present(c)) {
                sum += perClassF1[c];
            }
        }
        return sum / support.length;
    }

    /** Mean number of true labels per sample. */
    public double meanTrueLabels() {
        return (double) Arrays.stream(support).asLongStream().sum() / samples;
    }

    /** Mean number of predicted labels per sample. */
    public double meanPredictedLabels() {
        return (double) Arrays.stream(predicted).asLongStream().sum() / samples;
    }

    /**
     * The averages in one line, headline first, for reports and logs: {@code macro-F1 0.467 over 27 present
     * classes (Kaggle convention, all 28 classes: 0.450), micro-F1 0.734, macro precision 0.508, macro recall
     * 0.582; labels per sample 2.10 predicted vs 1.80 true}. Undefined values read {@code n/a}.
     */
    public String summary() {
        return String.format(Locale.ROOT, "macro-F1 %s over %d present classes (Kaggle convention, all %d classes: "
                        + "%s), micro-F1 %s, macro precision %s, macro recall %s; labels per sample %.2f predicted vs "
                        + "%.2f true", format(macroF1), presentClassCount(), classCount(), format(kaggleMacroF1()),
                format(microF1), format(macroPrecision), format(macroRecall), meanPredictedLabels(),
                meanTrueLabels());
    }

    /** A score with three decimals, or {@code n/a} when it is undefined (NaN): for per-class tables. */
    public static String format(double score) {
        return Double.isNaN(score) ? "n/a" : String.format(Locale.ROOT, "%.3f", score);
    }

    /**
     * Scores predictions against truth.
     *
     * @param truth     {@code [sample][class]}: whether the sample carries the class
     * @param predicted {@code [sample][class]}: whether the model predicted it
     * @throws IllegalArgumentException if the arrays are missing, have no classes, or differ in shape
     */
    public static MultiLabelMetrics compute(boolean[][] truth, boolean[][] predicted) {
        int classes = checkShape(truth, predicted);
        int[] tp = new int[classes];
        int[] fp = new int[classes];
        int[] fn = new int[classes];
        for (int s = 0; s < truth.length; s++) {
            for (int c = 0; c < classes; c++) {
                boolean t = truth[s][c];
                boolean p = predicted[s][c];
                if (t && p) {
                    tp[c]++;
                } else if (p) {
                    fp[c]++;
                } else if (t) {
                    fn[c]++;
                }
            }
        }
        double[] f1 = new double[classes];
        double[] precision = new double[classes];
        double[] recall = new double[classes];
        int[] support = new int[classes];
        int[] predictedCount = new int[classes];
        long tpAll = 0;
        long fpAll = 0;
        long fnAll = 0;
        for (int c = 0; c < classes; c++) {
            support[c] = tp[c] + fn[c];
            predictedCount[c] = tp[c] + fp[c];
            boolean present = support[c] > 0;
            recall[c] = present ? (double) tp[c] / support[c] : Double.NaN;
            f1[c] = present ? 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]) : Double.NaN;
            if (predictedCount[c] > 0) {
                precision[c] = (double) tp[c] / predictedCount[c];
            } else {
                precision[c] = present ? 0 : Double.NaN;
            }
            tpAll += tp[c];
            fpAll += fp[c];
            fnAll += fn[c];
        }
        long microDenominator = 2 * tpAll + fpAll + fnAll;
        double micro = microDenominator == 0 ? Double.NaN : 2.0 * tpAll / microDenominator;
        return new MultiLabelMetrics(meanOverPresent(f1, support), micro, meanOverPresent(precision, support),
                meanOverPresent(recall, support), f1, precision, recall, support, predictedCount, truth.length);
    }

    private static double meanOverPresent(double[] values, int[] support) {
        double sum = 0;
        int count = 0;
        for (int c = 0; c < values.length; c++) {
            if (support[c] > 0) {
                sum += values[c];
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private static int checkShape(boolean[][] truth, boolean[][] predicted) {
        if (truth == null || predicted == null) {
            throw new IllegalArgumentException("truth and predictions are required");
        }
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " truth rows but " + predicted.length
                    + " prediction rows");
        }
        if (truth.length == 0) {
            throw new IllegalArgumentException("no samples to score");
        }
        int classes = truth[0] == null ? 0 : truth[0].length;
        if (classes == 0) {
            throw new IllegalArgumentException("sample 0 has no classes");
        }
        for (int s = 0; s < truth.length; s++) {
            if (truth[s] == null || truth[s].length != classes) {
                throw new IllegalArgumentException("truth row " + s + " has " + (truth[s] == null ? 0 : truth[s].length)
                        + " classes, expected " + classes);
            }
            if (predicted[s] == null || predicted[s].length != classes) {
                throw new IllegalArgumentException("prediction row " + s + " has "
                        + (predicted[s] == null ? 0 : predicted[s].length) + " classes, expected " + classes);
            }
        }
        return classes;
    }
}
