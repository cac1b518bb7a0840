package io.tunet.core.training;

import io.tunet.core.masks.MaskPostProcessor;
import io.tunet.core.metrics.Dice;
import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.core.onnx.TunetPrediction;
import io.tunet.core.thresholds.ThresholdFitter;
import io.tunet.schemas.HpaClasses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores a model on cached samples: class probabilities against the labels, and (where the samples carry
 * true masks and the model predicts masks) Dice of the cleaned, binarised masks against the true masks of
 * each labelled class. The same code scores the PyTorch model during training and an ONNX model later.
 */
public final class Evaluation {

    /** Anything that maps a batch of {@code 4 × S × S} images to a prediction. */
    @FunctionalInterface
    public interface BatchModel {
        /** Predicts a batch. */
        TunetPrediction predict(float[][] images);
    }

    /**
     * Raw scores of a sample set.
     *
     * @param probabilities {@code [sample][class]}
     * @param truth {@code [sample][class]}
     * @param meanDice mean Dice over every (sample, labelled class) pair with a true mask; NaN if none
     * @param diceCount number of pairs in {@code meanDice}
     * @param targetDice mean Dice, over the same pairs, of the weak label the mask branch trains towards (the
     *     thresholded green stain, {@link TrainingData.Sample#proteinMask}) against the true masks: what a model
     *     that learned its target perfectly would score; NaN if none
     * @param classDice per class, the mean Dice of its labelled masks; NaN for a class without any
     * @param classTargetDice per class, the weak label's mean Dice over the same masks; NaN for a class without any
     */
    public record Scores(float[][] probabilities, boolean[][] truth, double meanDice, int diceCount,
            double targetDice, double[] classDice, double[] classTargetDice) {
    }

    /**
     * A scored model with its decision thresholds.
     *
     * @param metrics classification quality: at {@code thresholds}, or, when {@code crossFitted}, of the
     *     out-of-fold decisions of {@link ThresholdFitter#crossFitted}
     * @param thresholds the per-class thresholds the model keeps (when {@code crossFitted}: fitted on all the
     *     samples scored, so not the ones behind {@code metrics})
     * @param meanDice mean mask Dice against true masks; NaN when there are none
     * @param targetDice the weak label's own Dice against the true masks over the same pairs ({@link Scores})
     * @param classDice per class, mean mask Dice; NaN where the class has no true mask here ({@link Scores})
     * @param classTargetDice per class, the weak label's mean Dice over the same masks; NaN likewise
     * @param samples number of samples scored
     * @param crossFitted whether {@code metrics} come from 2-fold cross-fitted thresholds on these samples
     *     (the thresholds were fitted here) rather than from {@code thresholds} fitted elsewhere
     */
    public record Report(MultiLabelMetrics metrics, float[] thresholds, double meanDice, double targetDice,
            double[] classDice, double[] classTargetDice, int samples, boolean crossFitted) {

        /** Copies the arrays. */
        public Report {
            thresholds = thresholds.clone();
            classDice = classDice.clone();
            classTargetDice = classTargetDice.clone();
        }

        /** The per-class thresholds, a copy. */
        @Override
        public float[] thresholds() {
            return thresholds.clone();
        }

        /** The per-class mask Dice, a copy. */
        @Override
        public double[] classDice() {
            return classDice.clone();
        }

        /** The weak label's per-class Dice, a copy. */
        @Override
        public double[] classTargetDice() {
            return classTargetDice.clone();
        }
    }

    private Evaluation() {
    }

    /** Runs {@code model} over {@code samples} in batches and collects probabilities and mask Dice. */
    public static Scores score(SampleSet samples, int size, int batchSize, BatchModel model) {
        if (samples.size() == 0) {
            throw new IllegalArgumentException("no samples to score");
        }
        MaskPostProcessor cleaner = MaskPostProcessor.defaults();
        int plane = size * size;
        float[][] probabilities = new float[samples.size()][];
        boolean[][] truth = new boolean[samples.size()][];
        double[] classDiceSum = new double[HpaClasses.COUNT];
        double[] classTargetSum = new double[HpaClasses.COUNT];
        int[] classCount = new int[HpaClasses.COUNT];
        for (int start = 0; start < samples.size(); start += batchSize) {
            List<TrainingData.Sample> chunk = samples.load(start, Math.min(samples.size(), start + batchSize));
            float[][] images = padded(chunk, batchSize).stream().map(TrainingData.Sample::image)
                    .toArray(float[][]::new);
            TunetPrediction prediction = model.predict(images);
            for (int i = 0; i < chunk.size(); i++) {
                TrainingData.Sample sample = chunk.get(i);
                probabilities[start + i] = prediction.probabilities()[i];
                truth[start + i] = sample.truth();
                if (sample.trueMasks() == null || !prediction.hasMasks()) {
                    continue;
                }
                for (int label : sample.labels()) {
                    float[] probabilityMap = Arrays.copyOfRange(prediction.masks()[i], label * plane,
                            (label + 1) * plane);
                    classDiceSum[label] += Dice.dice(cleaner.clean(probabilityMap, size, size),
                            sample.trueMasks()[label]);
                    classTargetSum[label] += Dice.dice(sample.proteinMask(), sample.trueMasks()[label]);
                    classCount[label]++;
                }
            }
        }
        int diceCount = Arrays.stream(classCount).sum();
        double meanDice = diceCount == 0 ? Double.NaN : Arrays.stream(classDiceSum).sum() / diceCount;
        double targetDice = diceCount == 0 ? Double.NaN : Arrays.stream(classTargetSum).sum() / diceCount;
        return new Scores(probabilities, truth, meanDice, diceCount, targetDice,
                perClassMeans(classDiceSum, classCount), perClassMeans(classTargetSum, classCount));
    }

    private static double[] perClassMeans(double[] sums, int[] counts) {
        double[] means = new double[sums.length];
        for (int c = 0; c < sums.length; c++) {
            means[c] = counts[c] == 0 ? Double.NaN : sums[c] / counts[c];
        }
        return means;
    }

    /**
     * {@code chunk} topped up to {@code batchSize} with its last sample, so that a model runs every batch of a
     * scoring at one shape: libtorch keeps a compiled primitive per input shape for the life of the process, and a
     * last batch whose size follows the data set would add new ones at every run (see {@link
     * TrainingStep#wholeBatches}). The caller reads the first {@code chunk.size()} rows only.
     */
    static <T> List<T> padded(List<T> chunk, int batchSize) {
        if (chunk.isEmpty() || chunk.size() >= batchSize) {
            return chunk;
        }
        List<T> padded = new ArrayList<>(chunk);
        while (padded.size() < batchSize) {
            padded.add(chunk.get(chunk.size() - 1));
        }
        return padded;
    }

    /**
     * Classification metrics of {@code scores} at the given thresholds. Honest only when the thresholds were
     * fitted on other samples (a test set scored at validation thresholds, a champion at its stored ones).
     */
    public static Report report(Scores scores, float[] thresholds) {
        MultiLabelMetrics metrics = MultiLabelMetrics.compute(scores.truth(),
                ThresholdFitter.apply(scores.probabilities(), thresholds));
        return new Report(metrics, thresholds, scores.meanDice(), scores.targetDice(), scores.classDice(),
                scores.classTargetDice(), scores.probabilities().length, false);
    }

    /**
     * Fits thresholds on {@code scores} and scores them there without the fit's optimism: the report's
     * thresholds are fitted on all the samples (they go with the model), its metrics are those of the
     * out-of-fold decisions of {@link ThresholdFitter#crossFitted} (2 folds, split by position).
     */
    public static Report fitAndCrossScore(Scores scores, ThresholdFitter.Fit fit) {
        float[] thresholds = fit.fit(scores.probabilities(), scores.truth());
        MultiLabelMetrics metrics = MultiLabelMetrics.compute(scores.truth(),
                ThresholdFitter.crossFitted(scores.probabilities(), scores.truth(), fit));
        return new Report(metrics, thresholds, scores.meanDice(), scores.targetDice(), scores.classDice(),
                scores.classTargetDice(), scores.probabilities().length, true);
    }

    /** Macro-F1 with every class decided at 0.5: the per-epoch figure, before thresholds are fitted. */
    public static double macroF1AtHalf(float[][] probabilities, boolean[][] truth) {
        return MultiLabelMetrics.compute(truth, ThresholdFitter.apply(probabilities, halfThresholds())).macroF1();
    }

    /** Thresholds of 0.5 for every class (before fitting). */
    public static float[] halfThresholds() {
        float[] half = new float[HpaClasses.COUNT];
        Arrays.fill(half, 0.5f);
        return half;
    }
}
