package io.tunet.training.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.schemas.HpaClasses;
import org.junit.jupiter.api.Test;

class PromotionGateTest {

    private final PromotionGate gate = new PromotionGate(new GateSettings(0.01, 0.05));

    /** Metrics whose per-class F1 is given for classes 0 and 1 (both with support); the others are absent. */
    private static MultiLabelMetrics metrics(double f1Class0, double f1Class1) {
        double[] f1 = new double[HpaClasses.COUNT];
        java.util.Arrays.fill(f1, Double.NaN);
        f1[0] = f1Class0;
        f1[1] = f1Class1;
        int[] support = new int[HpaClasses.COUNT];
        support[0] = 10;
        support[1] = 10;
        double macro = (f1Class0 + f1Class1) / 2;
        return new MultiLabelMetrics(macro, macro, macro, macro, f1, f1.clone(), f1.clone(), support, support.clone(),
                20);
    }

    @Test
    void shouldPromoteChallengerThatBeatsChampionByTheMarginWithoutClassDrops() {
        GateDecision decision = gate.againstChampion(metrics(0.9, 0.9), metrics(0.7, 0.8), 3);

        assertThat(decision.promoted()).isTrue();
        assertThat(decision.summary()).contains("beats champion v3");
    }

    @Test
    void shouldNameTheComparedFigureWithItsPresentClassCount() {
        GateDecision decision = gate.againstChampion(metrics(0.9, 0.9), metrics(0.7, 0.8), 3);

        assertThat(decision.summary()).startsWith("macro-F1 over 2 present classes 0.9000 beats champion v3's 0.7500");
    }

    @Test
    void shouldNeverPromoteOnAnUndefinedMacroF1() {
        MultiLabelMetrics nothingPresent = MultiLabelMetrics.compute(new boolean[2][HpaClasses.COUNT],
                new boolean[2][HpaClasses.COUNT]);

        assertThat(gate.againstBaseline(nothingPresent, metrics(0.1, 0.1)).promoted()).isFalse();
        assertThat(gate.againstChampion(nothingPresent, metrics(0.1, 0.1), 3).promoted()).isFalse();
    }

    @Test
    void shouldRejectChallengerBelowTheMarginAndNameTheGain() {
        GateDecision decision = gate.againstChampion(metrics(0.80, 0.80), metrics(0.79, 0.80), 3);

        assertThat(decision.promoted()).isFalse();
        assertThat(decision.summary()).contains("does not beat champion v3").contains("by 0.0100");
    }

    @Test
    void shouldRejectChallengerWithBetterMacroF1WhenOneClassDropsTooMuch() {
        GateDecision decision = gate.againstChampion(metrics(1.0, 0.6), metrics(0.5, 0.7), 3);

        assertThat(decision.promoted()).isFalse();
        assertThat(decision.reasons()).hasSize(1);
        assertThat(decision.summary()).contains("class 1 (" + HpaClasses.name(1) + ") F1 drops 0.7000 -> 0.6000");
    }

    @Test
    void shouldScoreTheFrequencyBaselineAsTheBestConstantPrediction() {
        // class 0 in 2 of 4 training samples and in 3 of 4 validation samples; class 1 nowhere
        boolean[][] train = new boolean[4][HpaClasses.COUNT];
        train[0][0] = true;
        train[1][0] = true;
        boolean[][] validation = new boolean[4][HpaClasses.COUNT];
        validation[0][0] = true;
        validation[1][0] = true;
        validation[2][0] = true;

        MultiLabelMetrics baseline = PromotionGate.baseline(train, validation);

        // predicting class 0 for every sample: precision 3/4, recall 1, F1 = 6/7
        assertThat(baseline.perClassF1()[0]).isCloseTo(6.0 / 7.0, org.assertj.core.data.Offset.offset(1e-9));
        // class 1: nothing to find and nothing predicted: undefined, and left out of the macro-F1
        assertThat(baseline.perClassF1()[1]).isNaN();
        assertThat(baseline.presentClassCount()).isEqualTo(1);
        assertThat(baseline.macroF1()).isCloseTo(6.0 / 7.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldScoreTheBaselineOnTheGateSplitAtThresholdsFittedOnValidation() {
        // as above: fitted on validation, the baseline predicts class 0 for every sample and class 1 for none
        boolean[][] train = new boolean[4][HpaClasses.COUNT];
        train[0][0] = true;
        train[1][0] = true;
        boolean[][] validation = new boolean[4][HpaClasses.COUNT];
        validation[0][0] = true;
        validation[1][0] = true;
        validation[2][0] = true;
        // the gate has class 0 once and class 1 once in 4 samples
        boolean[][] gate = new boolean[4][HpaClasses.COUNT];
        gate[0][0] = true;
        gate[1][1] = true;

        MultiLabelMetrics baseline = PromotionGate.baseline(train, validation, gate);

        // class 0 predicted on all 4: precision 1/4, recall 1, F1 = 2/5; class 1 present, never predicted: F1 0
        assertThat(baseline.perClassF1()[0]).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(baseline.perClassF1()[1]).isZero();
        assertThat(baseline.presentClassCount()).isEqualTo(2);
        assertThat(baseline.macroF1()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldPromoteFirstModelOnlyIfItBeatsTheBaseline() {
        assertThat(gate.againstBaseline(metrics(1.0, 1.0), metrics(0.6, 0.6)).promoted()).isTrue();
        GateDecision rejected = gate.againstBaseline(metrics(0.8, 0.8), metrics(0.8, 0.8));
        assertThat(rejected.promoted()).isFalse();
        assertThat(rejected.summary()).contains("class-frequency baseline");
    }
}
