package io.tunet.core.thresholds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.core.metrics.MultiLabelMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ThresholdFitterTest {

    /** One class: column vectors to the [sample][class] layout. */
    private static float[][] column(float... p) {
        float[][] rows = new float[p.length][];
        for (int s = 0; s < p.length; s++) {
            rows[s] = new float[] {p[s]};
        }
        return rows;
    }

    private static boolean[][] column(boolean... t) {
        boolean[][] rows = new boolean[t.length][];
        for (int s = 0; s < t.length; s++) {
            rows[s] = new boolean[] {t[s]};
        }
        return rows;
    }

    @Test
    void shouldCapHowOftenAClassThatTheModelCannotSeparateIsPredicted() {
        // 2 positives among 10, ranked among the negatives: max-F1 admits 9, down to the lower positive (F1 4/11,
        // above any tighter cut); the cap admits ceil(1.5 x 2) = 3
        float[][] p = column(0.30f, 0.29f, 0.28f, 0.27f, 0.26f, 0.25f, 0.24f, 0.23f, 0.22f, 0.21f);
        boolean[][] truth = column(false, false, false, true, false, false, false, false, true, false);

        float maxF1 = ThresholdFitter.maxF1(p, truth)[0];
        float capped = ThresholdFitter.cappedMaxF1(p, truth)[0];

        assertEquals(9, predictedCount(p, maxF1));
        assertEquals(3, predictedCount(p, capped));
        assertEquals(0.275f, capped, 1e-6f);
    }

    @Test
    void shouldKeepTheMaxF1CutOfAClassTheModelSeparates() {
        float[][] p = column(0.9f, 0.8f, 0.3f, 0.2f, 0.1f, 0.05f);
        boolean[][] truth = column(true, true, false, false, false, false);

        assertEquals(ThresholdFitter.maxF1(p, truth)[0], ThresholdFitter.cappedMaxF1(p, truth)[0]);
        assertEquals(2, predictedCount(p, ThresholdFitter.cappedMaxF1(p, truth)[0]));
    }

    private static int predictedCount(float[][] p, float threshold) {
        int count = 0;
        for (float[] row : p) {
            count += row[0] > threshold ? 1 : 0;
        }
        return count;
    }

    @Test
    void shouldPickTheMidpointThatMaximisesF1() {
        // candidates 0.05 (F1 4/6), 0.225 (TP 2, FP 1: 4/5), 0.375 (1/2), 0.6 (2/3), 0.9 (0)
        float[] t = ThresholdFitter.maxF1(column(0.1f, 0.4f, 0.35f, 0.8f), column(false, false, true, true));

        assertEquals(0.225f, t[0], 1e-6f);
    }

    @Test
    void shouldBreakF1TiesTowardsOneHalf() {
        // 0.05 and 0.6 both give F1 2/3
        float[] t = ThresholdFitter.maxF1(column(0.1f, 0.2f, 0.3f, 0.9f), column(true, false, false, true));

        assertEquals(0.6f, t[0], 1e-6f);
    }

    @Test
    void shouldPredictEverythingWhenEverySampleIsPositive() {
        float[] t = ThresholdFitter.maxF1(column(0.2f, 0.6f), column(true, true));

        assertEquals(0.1f, t[0], 1e-6f);
    }

    @Test
    void shouldFallBackToOneHalfForClassesWithoutPositives() {
        float[][] p = {{0.9f, 0.2f}, {0.1f, 0.7f}};
        boolean[][] truth = {{false, true}, {false, false}};

        assertEquals(0.5f, ThresholdFitter.maxF1(p, truth)[0]);
        assertEquals(0.5f, ThresholdFitter.prevalence(p, truth)[0]);
    }

    @Test
    void shouldFitNoWorseThanAnyOtherThreshold() {
        SplittableRandom random = new SplittableRandom(11);
        int n = 300;
        float[][] p = new float[n][3];
        boolean[][] truth = new boolean[n][3];
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < 3; c++) {
                truth[s][c] = random.nextDouble() < 0.1 * (c + 1);
                double signal = truth[s][c] ? 0.3 : 0;
                p[s][c] = (float) Math.min(1, random.nextDouble() * 0.7 + signal);
            }
        }

        float[] fitted = ThresholdFitter.maxF1(p, truth);
        double[] best = MultiLabelMetrics.compute(truth, ThresholdFitter.apply(p, fitted)).perClassF1();

        for (int step = 0; step <= 1000; step++) {
            float t = step / 1000f;
            double[] f1 = MultiLabelMetrics.compute(truth, ThresholdFitter.apply(p, new float[] {t, t, t}))
                    .perClassF1();
            for (int c = 0; c < 3; c++) {
                assertTrue(best[c] >= f1[c] - 1e-12, "class " + c + ": fitted F1 " + best[c] + " < " + f1[c]
                        + " at " + t);
            }
        }
    }

    @Test
    void shouldMatchThePredictedRateToThePrevalence() {
        // two positives: the cut falls between the 2nd (0.4) and 3rd (0.35) highest probabilities
        float[] t = ThresholdFitter.prevalence(column(0.1f, 0.4f, 0.35f, 0.8f), column(false, false, true, true));

        assertEquals(0.375f, t[0], 1e-6f);
        assertEquals(0.1f, ThresholdFitter.prevalence(column(0.2f, 0.6f), column(true, true))[0], 1e-6f);
    }

    @Test
    void shouldLeaveTiedProbabilitiesBelowThePrevalenceCut() {
        float[][] p = column(0.5f, 0.5f, 0.5f, 0.1f);

        float[] t = ThresholdFitter.prevalence(p, column(true, false, false, false));

        boolean[][] predicted = ThresholdFitter.apply(p, t);
        for (boolean[] row : predicted) {
            assertEquals(false, row[0]);
        }
    }

    @Test
    void shouldApplyThresholdsStrictlyPerClass() {
        boolean[][] predicted = ThresholdFitter.apply(new float[][] {{0.3f, 0.3f}, {0.2f, 0.9f}},
                new float[] {0.2f, 0.5f});

        assertArrayEquals(new boolean[] {true, false}, predicted[0]);
        assertArrayEquals(new boolean[] {false, true}, predicted[1]);
    }

    @Test
    void shouldDecideEachHalfAtThresholdsFittedOnTheOtherHalf() {
        // even positions: 0.6 and 0.3, both positive: max-F1 admits both (0.15);
        // odd positions: 0.4 and 0.7, no positive: 0.5
        float[][] p = column(0.6f, 0.4f, 0.3f, 0.7f);
        boolean[][] truth = column(true, false, true, false);

        boolean[][] decisions = ThresholdFitter.crossFitted(p, truth, ThresholdFitter::maxF1);

        // even samples at 0.5 (0.6 in, 0.3 out), odd samples at 0.15 (both in)
        assertArrayEquals(new boolean[] {true}, decisions[0]);
        assertArrayEquals(new boolean[] {true}, decisions[1]);
        assertArrayEquals(new boolean[] {false}, decisions[2]);
        assertArrayEquals(new boolean[] {true}, decisions[3]);
        // out of fold: TP 1, FP 2, FN 1, F1 0.4; fitted and scored on all four samples: 2/3 at 0.15
        assertEquals(0.4, MultiLabelMetrics.compute(truth, decisions).macroF1(), 1e-12);
        assertEquals(2.0 / 3, MultiLabelMetrics.compute(truth,
                ThresholdFitter.apply(p, ThresholdFitter.maxF1(p, truth))).macroF1(), 1e-12);
    }

    @Test
    void shouldNeverFitOnTheSamplesBeingDecided() {
        float[][] p = column(0.1f, 0.2f, 0.3f, 0.4f, 0.5f);
        boolean[][] truth = column(true, false, true, false, true);
        List<List<Float>> seen = new ArrayList<>();

        ThresholdFitter.crossFitted(p, truth, (probabilities, t) -> {
            List<Float> values = new ArrayList<>();
            for (float[] row : probabilities) {
                values.add(row[0]);
            }
            seen.add(values);
            return new float[] {0.5f};
        });

        assertEquals(List.of(List.of(0.2f, 0.4f), List.of(0.1f, 0.3f, 0.5f)), seen);
    }

    @Test
    void shouldDecideALoneSampleAtTheDefaultThreshold() {
        // fitted on itself, 0.4 would be admitted (threshold 0.2); with nothing else to fit on it meets 0.5
        boolean[][] decisions = ThresholdFitter.crossFitted(column(0.4f), column(true), ThresholdFitter::maxF1);

        assertArrayEquals(new boolean[] {false}, decisions[0]);
    }

    @Test
    void shouldRejectBadInput() {
        assertThrows(IllegalArgumentException.class, () -> ThresholdFitter.maxF1(column(0.5f), column(true, false)));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> ThresholdFitter.maxF1(column(0.5f, Float.NaN), column(true, false)));
        assertTrue(nan.getMessage().contains("sample 1"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThresholdFitter.prevalence(column(1.5f), column(true)));
        assertThrows(IllegalArgumentException.class,
                () -> ThresholdFitter.apply(new float[][] {{0.1f, 0.2f}}, new float[] {0.5f}));
        assertThrows(IllegalArgumentException.class, () -> ThresholdFitter.maxF1(new float[0][], new boolean[0][]));
    }
}
