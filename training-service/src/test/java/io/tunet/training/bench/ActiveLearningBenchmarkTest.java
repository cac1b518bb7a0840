package io.tunet.training.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tunet.schemas.HpaClasses;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The experiment's copy of the label-next queue's score ranks as the sink's README says the queue does. */
class ActiveLearningBenchmarkTest {

    private static final float[] THRESHOLDS = filled(0.4f);

    @Test
    void shouldScoreAProbabilityOnItsThresholdOneAndAddTheAbstentionAndRarityBonuses() {
        double[] common = filled(0.2);
        float[] onThreshold = filled(0.0f);
        onThreshold[0] = 0.4f;
        float[] abstains = filled(0.0f);
        float[] rare = filled(0.0f);
        rare[5] = 1.0f;
        double[] rareShare = filled(0.2);
        rareShare[5] = 0.01;

        assertThat(ActiveLearningBenchmark.queueScore(onThreshold, THRESHOLDS, common)).isCloseTo(1, within(1e-6));
        // every class at 0 against 0.4: uncertainty 1 − 0.4/0.6 = 1/3, and the model predicts nothing
        assertThat(ActiveLearningBenchmark.queueScore(abstains, THRESHOLDS, common)).isCloseTo(1.0 / 3 + 0.25,
                within(1e-6));
        // class 5 at 1.0 is certain (uncertainty from the others: 1/3), but only 1% of fields carry it
        assertThat(ActiveLearningBenchmark.queueScore(rare, THRESHOLDS, rareShare)).isCloseTo(1.0 / 3 + 0.5 * 0.8,
                within(1e-6));
    }

    @Test
    void shouldPickTheHighestScoringUnlabelledFieldsFirst() {
        float[] confident = filled(0.0f);
        confident[0] = 1.0f;
        float[] onThreshold = filled(0.0f);
        onThreshold[0] = 0.41f;
        float[][] pool = {confident, onThreshold, confident, onThreshold.clone(), confident};

        assertThat(ActiveLearningBenchmark.queueBatch(pool, THRESHOLDS, new int[] {1}, 2)).containsExactly(3, 0);
    }

    private static float[] filled(float value) {
        float[] a = new float[HpaClasses.COUNT];
        Arrays.fill(a, value);
        return a;
    }

    private static double[] filled(double value) {
        double[] a = new double[HpaClasses.COUNT];
        Arrays.fill(a, value);
        return a;
    }
}
