package io.tunet.core.metrics;

/**
 * Classification quality of multi-label predictions, per class and averaged.
 *
 * <p>Definitions, per class c over all samples: precision = TP / (TP + FP), recall = TP / (TP + FN),
 * F1 = 2·TP / (2·TP + FP + FN). Macro values are unweighted means over classes (the paper's primary
 * score: rare classes count as much as common ones); micro-F1 pools TP, FP and FN over all classes first.
 *
 * <p>Zero division follows scikit-learn's {@code zero_division=1.0}: a ratio whose denominator is 0 is 1.
 * So a class with no positives and no predictions scores precision = recall = F1 = 1 (the model was right
 * to predict nothing); a class with positives but no predictions scores precision 1, recall 0, F1 0; one
 * with predictions but no positives scores precision 0, recall 1, F1 0. This keeps a validation split
 * that happens to lack a rare class from capping macro-F1 below 1 for a perfect model.
 *
 * @param macroF1           mean of {@code perClassF1}
 * @param microF1           2·ΣTP / (2·ΣTP + ΣFP + ΣFN)
 * @param macroPrecision    mean of {@code perClassPrecision}
 * @param macroRecall       mean of {@code perClassRecall}
 * @param perClassF1        F1 per class
 * @param perClassPrecision precision per class
 * @param perClassRecall    recall per class
 * @param support           number of samples that truly carry each class
 */
public record MultiLabelMetrics(double macroF1, double microF1, double macroPrecision, double macroRecall,
                                double[] perClassF1, double[] perClassPrecision, double[] perClassRecall,
                                int[] support) {

    /** Copies the arrays so the record cannot change after construction. */
    public MultiLabelMetrics {
        perClassF1 = perClassF1.clone();
        perClassPrecision = perClassPrecision.clone();
        perClassRecall = perClassRecall.clone();
        support = support.clone();
    }

    /** F1 per class, a copy. */
    @Override
    public double[] perClassF1() {
        return perClassF1.clone();
    }

    /** Precision per class, a copy. */
    @Override
    public double[] perClassPrecision() {
        return perClassPrecision.clone();
    }

    /** Recall per class, a copy. */
    @Override
    public double[] perClassRecall() {
        return perClassRecall.clone();
    }

    /** True positives per class (samples carrying it), a copy. */
    @Override
    public int[] support() {
        return support.clone();
    }

    /** Number of classes scored. */
    public int classCount() {
        return support.length;
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
        long[] tp = new long[classes];
        long[] fp = new long[classes];
        long[] fn = new long[classes];
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
        long tpAll = 0;
        long fpAll = 0;
        long fnAll = 0;
        for (int c = 0; c < classes; c++) {
            precision[c] = ratio(tp[c], tp[c] + fp[c]);
            recall[c] = ratio(tp[c], tp[c] + fn[c]);
            f1[c] = ratio(2 * tp[c], 2 * tp[c] + fp[c] + fn[c]);
            support[c] = (int) (tp[c] + fn[c]);
            tpAll += tp[c];
            fpAll += fp[c];
            fnAll += fn[c];
        }
        return new MultiLabelMetrics(mean(f1), ratio(2 * tpAll, 2 * tpAll + fpAll + fnAll), mean(precision),
                mean(recall), f1, precision, recall, support);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 1.0 : (double) numerator / denominator;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
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
