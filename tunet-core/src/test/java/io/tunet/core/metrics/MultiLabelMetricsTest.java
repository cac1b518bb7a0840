package io.tunet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MultiLabelMetricsTest {

    private static final double EPS = 1e-12;
    private static final double NAN = Double.NaN;

    @Test
    void shouldAverageOnlyThePresentClassesWhenTheSplitLacksOne() {
        boolean[][] truth = {
            {true, false, false},
            {true, true, false},
            {false, true, false},
            {true, false, false}};
        boolean[][] predicted = {
            {true, false, false},
            {false, true, false},
            {true, true, false},
            {true, false, false}};

        MultiLabelMetrics m = MultiLabelMetrics.compute(truth, predicted);

        // class 0: TP 2, FP 1, FN 1; class 1: TP 2; class 2: absent and never predicted, so undefined (not 1)
        assertArrayEquals(new double[] {2.0 / 3, 1, NAN}, m.perClassPrecision(), EPS);
        assertArrayEquals(new double[] {2.0 / 3, 1, NAN}, m.perClassRecall(), EPS);
        assertArrayEquals(new double[] {2.0 / 3, 1, NAN}, m.perClassF1(), EPS);
        assertArrayEquals(new int[] {3, 2, 0}, m.support());
        assertArrayEquals(new int[] {3, 2, 0}, m.predicted());
        assertEquals(2, m.presentClassCount());
        assertTrue(m.present(1));
        assertFalse(m.present(2));
        assertEquals(5.0 / 6, m.macroF1(), EPS); // (2/3 + 1) / 2, not (2/3 + 1 + 1) / 3 = 8/9
        assertEquals(5.0 / 9, m.kaggleMacroF1(), EPS); // (2/3 + 1 + 0) / 3
        assertEquals(5.0 / 6, m.macroPrecision(), EPS);
        assertEquals(5.0 / 6, m.macroRecall(), EPS);
        assertEquals(2.0 * 4 / (2 * 4 + 1 + 1), m.microF1(), EPS); // pooled TP 4, FP 1, FN 1
    }

    @Test
    void shouldScoreANeverPredictedClassAsZeroPrecisionAndASpuriousOneAsUndefinedF1() {
        boolean[][] truth = {{true, false}, {true, false}, {false, false}};
        boolean[][] predicted = {{false, true}, {false, false}, {false, false}};

        MultiLabelMetrics m = MultiLabelMetrics.compute(truth, predicted);

        // class 0: two positives, never predicted: precision 0 (not 1); class 1: absent, predicted once
        assertArrayEquals(new double[] {0, 0}, m.perClassPrecision(), EPS);
        assertArrayEquals(new double[] {0, NAN}, m.perClassRecall(), EPS);
        assertArrayEquals(new double[] {0, NAN}, m.perClassF1(), EPS);
        assertEquals(1, m.presentClassCount());
        assertEquals(0, m.macroF1(), EPS);
        assertEquals(0, m.kaggleMacroF1(), EPS);
        assertEquals(0, m.macroPrecision(), EPS);
        assertEquals(0, m.macroRecall(), EPS);
        assertEquals(0, m.microF1(), EPS); // TP 0, FP 1, FN 2
    }

    @Test
    void shouldNotRewardAModelThatPredictsNothingForTheClassesASmallSplitLacks() {
        // 28 classes, a split of three samples that all carry class 0 only, a model that predicts nothing:
        // with absent classes scoring 1 this was a macro-F1 of 27/28
        boolean[][] truth = new boolean[3][28];
        for (boolean[] row : truth) {
            row[0] = true;
        }

        MultiLabelMetrics m = MultiLabelMetrics.compute(truth, new boolean[3][28]);

        assertEquals(0, m.macroF1(), EPS);
        assertEquals(0, m.kaggleMacroF1(), EPS);
        assertEquals(0, m.macroPrecision(), EPS);
        assertEquals(1, m.presentClassCount());
        assertEquals(1.0, m.meanTrueLabels(), EPS);
        assertEquals(0.0, m.meanPredictedLabels(), EPS);
    }

    @Test
    void shouldGiveAPerfectModelFullMacroF1ButChargeAbsentClassesInTheKaggleFigure() {
        boolean[][] truth = {{true, false, false, false}, {true, true, false, false}};

        MultiLabelMetrics m = MultiLabelMetrics.compute(truth, truth);

        assertEquals(1, m.macroF1(), EPS);
        assertEquals(0.5, m.kaggleMacroF1(), EPS); // two of four classes present
        assertEquals(1, m.microF1(), EPS);
    }

    @Test
    void shouldReportTheMeanNumberOfLabelsPerSampleInTruthAndPredictions() {
        boolean[][] truth = {{true, false, false}, {true, true, false}, {false, false, true}, {true, false, false}};
        boolean[][] predicted = {{true, true, true}, {true, true, false}, {true, false, true}, {true, true, true}};

        MultiLabelMetrics m = MultiLabelMetrics.compute(truth, predicted);

        assertEquals(5.0 / 4, m.meanTrueLabels(), EPS);
        assertEquals(10.0 / 4, m.meanPredictedLabels(), EPS);
        assertArrayEquals(new int[] {4, 3, 3}, m.predicted());
        assertEquals(4, m.samples());
    }

    @Test
    void shouldLeaveTheHeadlineUndefinedWhenNoClassIsPresent() {
        boolean[][] truth = new boolean[2][3];
        boolean[][] predicted = {{true, false, false}, {false, false, false}};

        MultiLabelMetrics spurious = MultiLabelMetrics.compute(truth, predicted);
        MultiLabelMetrics silent = MultiLabelMetrics.compute(truth, new boolean[2][3]);

        assertTrue(Double.isNaN(spurious.macroF1()));
        assertTrue(Double.isNaN(spurious.macroRecall()));
        assertEquals(0, spurious.kaggleMacroF1(), EPS);
        assertEquals(0, spurious.microF1(), EPS);
        assertEquals(0, spurious.presentClassCount());
        assertTrue(Double.isNaN(silent.microF1()), "no labels and no predictions: nothing to score");
    }

    @Test
    void shouldWeightClassesEquallyInMacroButNotInMicro() {
        // class 0: 9 samples all right; class 1: its single positive missed
        boolean[][] truth = new boolean[10][2];
        boolean[][] predicted = new boolean[10][2];
        for (int s = 0; s < 9; s++) {
            truth[s][0] = true;
            predicted[s][0] = true;
        }
        truth[9][1] = true;

        MultiLabelMetrics m = MultiLabelMetrics.compute(truth, predicted);

        assertEquals(0.5, m.macroF1(), EPS);
        assertEquals(0.5, m.kaggleMacroF1(), EPS);
        assertEquals(18.0 / 19, m.microF1(), EPS);
    }

    @Test
    void shouldNotLetCallersChangeTheResult() {
        MultiLabelMetrics m = MultiLabelMetrics.compute(new boolean[][] {{true}}, new boolean[][] {{true}});

        m.perClassF1()[0] = 0;
        m.predicted()[0] = 5;

        assertEquals(1.0, m.perClassF1()[0]);
        assertEquals(1, m.predicted()[0]);
    }

    @Test
    void shouldRejectMismatchedShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabelMetrics.compute(new boolean[2][3], new boolean[3][3]));
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabelMetrics.compute(new boolean[][] {{true, false}, {true}}, new boolean[2][2]));
        assertThrows(IllegalArgumentException.class, () -> MultiLabelMetrics.compute(new boolean[0][0],
                new boolean[0][0]));
        assertThrows(IllegalArgumentException.class, () -> MultiLabelMetrics.compute(null, new boolean[1][1]));
    }
}
