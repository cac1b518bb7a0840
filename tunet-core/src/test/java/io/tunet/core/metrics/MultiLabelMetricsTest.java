package io.tunet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MultiLabelMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void shouldMatchHandComputedScores() {
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

        // class 0: TP 2, FP 1, FN 1; class 1: TP 2; class 2: nothing true, nothing predicted (scores 1)
        assertArrayEquals(new double[] {2.0 / 3, 1, 1}, m.perClassPrecision(), EPS);
        assertArrayEquals(new double[] {2.0 / 3, 1, 1}, m.perClassRecall(), EPS);
        assertArrayEquals(new double[] {2.0 / 3, 1, 1}, m.perClassF1(), EPS);
        assertArrayEquals(new int[] {3, 2, 0}, m.support());
        assertEquals(8.0 / 9, m.macroF1(), EPS);
        assertEquals(8.0 / 9, m.macroPrecision(), EPS);
        assertEquals(8.0 / 9, m.macroRecall(), EPS);
        assertEquals(2.0 * 4 / (2 * 4 + 1 + 1), m.microF1(), EPS); // pooled TP 4, FP 1, FN 1
    }

    @Test
    void shouldScoreMissedAndSpuriousClassesAsZeroF1() {
        boolean[][] truth = {{true, false}, {true, false}, {false, false}};
        boolean[][] predicted = {{false, true}, {false, false}, {false, false}};

        MultiLabelMetrics m = MultiLabelMetrics.compute(truth, predicted);

        // class 0: positives but no predictions; class 1: a prediction but no positives
        assertArrayEquals(new double[] {1, 0}, m.perClassPrecision(), EPS);
        assertArrayEquals(new double[] {0, 1}, m.perClassRecall(), EPS);
        assertArrayEquals(new double[] {0, 0}, m.perClassF1(), EPS);
        assertEquals(0, m.macroF1(), EPS);
        assertEquals(0, m.microF1(), EPS);
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
        assertEquals(18.0 / 19, m.microF1(), EPS);
    }

    @Test
    void shouldNotLetCallersChangeTheResult() {
        MultiLabelMetrics m = MultiLabelMetrics.compute(new boolean[][] {{true}}, new boolean[][] {{true}});

        m.perClassF1()[0] = 0;

        assertEquals(1.0, m.perClassF1()[0]);
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
