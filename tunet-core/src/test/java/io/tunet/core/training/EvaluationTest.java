package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.core.onnx.TunetPrediction;
import io.tunet.schemas.HpaClasses;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static final int SIZE = 16;
    private static final int PLANE = SIZE * SIZE;
    private static final int LEFT_CLASS = 3;
    private static final int RIGHT_CLASS = 5;

    /**
     * One field with two classes, one in each half. The weak label is the whole stained field (both halves), so
     * against each class's own half it overlaps 2·128 / (256 + 128) = 2/3, while a model that draws each class
     * in its own half matches the truth exactly.
     */
    @Test
    void shouldScoreTheWeakLabelAgainstTheTrueMasksBesideTheModelsMasks() {
        byte[][] trueMasks = halves();
        SampleSet samples = twoHalvesField(trueMasks);

        Evaluation.Scores scores = Evaluation.score(samples, SIZE, 2, images -> {
            float[][] probabilities = new float[images.length][HpaClasses.COUNT];
            float[][] masks = new float[images.length][HpaClasses.COUNT * PLANE];
            for (int i = 0; i < images.length; i++) {
                for (int p = 0; p < PLANE; p++) {
                    masks[i][LEFT_CLASS * PLANE + p] = trueMasks[LEFT_CLASS][p];
                    masks[i][RIGHT_CLASS * PLANE + p] = trueMasks[RIGHT_CLASS][p];
                }
            }
            return new TunetPrediction(probabilities, masks, SIZE);
        });

        assertEquals(2, scores.diceCount());
        assertEquals(1.0, scores.meanDice(), 1e-9);
        assertEquals(2.0 / 3.0, scores.targetDice(), 1e-9);
        Evaluation.Report report = Evaluation.report(scores, new float[HpaClasses.COUNT]);
        assertEquals(2.0 / 3.0, report.targetDice(), 1e-9);
    }

    /** A model that draws one class and leaves the other's plane empty: the per-class figures say which. */
    @Test
    void shouldScoreEachClassItsOwnMasks() {
        byte[][] trueMasks = halves();
        SampleSet samples = twoHalvesField(trueMasks);

        Evaluation.Scores scores = Evaluation.score(samples, SIZE, 1, images -> {
            float[][] masks = new float[images.length][HpaClasses.COUNT * PLANE];
            for (int p = 0; p < PLANE; p++) {
                masks[0][LEFT_CLASS * PLANE + p] = trueMasks[LEFT_CLASS][p];
            }
            return new TunetPrediction(new float[images.length][HpaClasses.COUNT], masks, SIZE);
        });
        Evaluation.Report report = Evaluation.report(scores, new float[HpaClasses.COUNT]);

        assertEquals(0.5, report.meanDice(), 1e-9);
        assertEquals(1.0, report.classDice()[LEFT_CLASS], 1e-9);
        assertEquals(0.0, report.classDice()[RIGHT_CLASS], 1e-9);
        assertEquals(2.0 / 3.0, report.classTargetDice()[RIGHT_CLASS], 1e-9);
        assertTrue(Double.isNaN(report.classDice()[0]), "a class without masks has no Dice");
        assertTrue(Double.isNaN(report.classTargetDice()[0]));
    }

    @Test
    void aModelWithoutMasksHasNeitherDice() {
        byte[][] trueMasks = new byte[HpaClasses.COUNT][PLANE];
        fill(trueMasks[LEFT_CLASS], 0);
        SampleSet samples = SampleSet.of(List.of(new TrainingData.Sample("left", new float[4 * PLANE],
                trueMasks[LEFT_CLASS], new int[] {LEFT_CLASS}, trueMasks)));

        Evaluation.Scores scores = Evaluation.score(samples, SIZE, 1, images -> new TunetPrediction(
                new float[images.length][HpaClasses.COUNT], null, SIZE));

        assertTrue(Double.isNaN(scores.meanDice()));
        assertTrue(Double.isNaN(scores.targetDice()));
        assertTrue(Arrays.stream(scores.classDice()).allMatch(Double::isNaN));
    }

    /** True masks: the left class in the left half, the right class in the right half. */
    private static byte[][] halves() {
        byte[][] trueMasks = new byte[HpaClasses.COUNT][PLANE];
        fill(trueMasks[LEFT_CLASS], 0);
        fill(trueMasks[RIGHT_CLASS], SIZE / 2);
        return trueMasks;
    }

    /** One field carrying both classes, stained (so weakly labelled) all over. */
    private static SampleSet twoHalvesField(byte[][] trueMasks) {
        byte[] wholeField = new byte[PLANE];
        Arrays.fill(wholeField, (byte) 1);
        return SampleSet.of(List.of(new TrainingData.Sample("two-halves", new float[4 * PLANE], wholeField,
                new int[] {LEFT_CLASS, RIGHT_CLASS}, trueMasks)));
    }

    /** Marks the columns {@code from} to {@code from + SIZE / 2} of every row. */
    private static void fill(byte[] mask, int from) {
        for (int y = 0; y < SIZE; y++) {
            for (int x = from; x < from + SIZE / 2; x++) {
                mask[y * SIZE + x] = 1;
            }
        }
    }
}
