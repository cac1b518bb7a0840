package io.tunet.results.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.tunet.results.shadow.ShadowStatistics.ClassStatistics;
import io.tunet.results.shadow.ShadowStatistics.Observation;
import io.tunet.results.shadow.ShadowStatistics.Result;

/** The shadow statistics on a hand-made set whose every figure is worked out in the comments. */
class ShadowStatisticsTest {

    static final int NUCLEOPLASM = 0;
    static final int GOLGI = 7;
    static final int CYTOSOL = 25;
    static final int RODS_AND_RINGS = 27;

    /**
     * Five shadowed samples, four labelled by a curator:
     * <pre>
     *  #  shadow            champion        curator      shadow ms  champion ms
     *  1  {0}               {0}             {0}          10         20
     *  2  {0, 7}            {0}             {0}          12         22
     *  3  {7}               {25}            {25}         14         24
     *  4  {25}              {25}            (none)       16         26
     *  5  {}                {0}             {0}          18         28
     * </pre>
     * Golgi (7) is predicted by the shadow but no curator label carries it: no F1. Cytosol (25) is labelled once and
     * the shadow never predicts it on a labelled sample (only on the unlabelled #4): precision 0, recall 0, F1 0.
     */
    static final List<Observation> HAND_MADE = List.of(
            observation(List.of(0), List.of(0), List.of(0), 10, 20),
            observation(List.of(0, 7), List.of(0), List.of(0), 12, 22),
            observation(List.of(7), List.of(25), List.of(25), 14, 24),
            observation(List.of(25), List.of(25), null, 16, 26),
            observation(List.of(), List.of(0), List.of(0), 18, 28));

    static Observation observation(List<Integer> shadow, List<Integer> champion, List<Integer> truth, double shadowMs,
                                   double championMs) {
        return new Observation(Observation.mask(shadow), Observation.mask(champion),
                truth == null ? null : Observation.mask(truth), shadowMs, championMs);
    }

    @Test
    void shouldCountSamplesAgreementAndLabelledSamples() {
        Result r = ShadowStatistics.of(HAND_MADE);

        assertThat(r.samples()).isEqualTo(5);
        assertThat(r.agreedSamples()).isEqualTo(2); // #1 and #4
        assertThat(r.exactAgreement()).isEqualTo(0.4);
        assertThat(r.labelled()).isEqualTo(4);
        assertThat(r.classes()).hasSize(28);
    }

    @Test
    void shouldCountPositivesAndAgreementPerClass() {
        Result r = ShadowStatistics.of(HAND_MADE);

        ClassStatistics nucleoplasm = r.classes().get(NUCLEOPLASM);
        assertThat(nucleoplasm.className()).isEqualTo("Nucleoplasm");
        assertThat(nucleoplasm.shadowPositives()).isEqualTo(2);
        assertThat(nucleoplasm.championPositives()).isEqualTo(3);
        assertThat(nucleoplasm.agreement()).isEqualTo(0.8); // all but #5
        ClassStatistics golgi = r.classes().get(GOLGI);
        assertThat(golgi.shadowPositives()).isEqualTo(2);
        assertThat(golgi.championPositives()).isZero();
        assertThat(golgi.agreement()).isEqualTo(0.6); // #1, #4, #5
        assertThat(r.classes().get(CYTOSOL).agreement()).isEqualTo(0.8); // all but #3
        assertThat(r.classes().get(RODS_AND_RINGS).agreement()).isEqualTo(1.0);
    }

    @Test
    void shouldScoreBothModelsAgainstTheCuratorLabels() {
        Result r = ShadowStatistics.of(HAND_MADE);

        // Nucleoplasm: curator on #1 #2 #5; shadow hits #1 #2 of its 2 → P 1, R 2/3, F1 0.8; champion all three
        ClassStatistics nucleoplasm = r.classes().get(NUCLEOPLASM);
        assertThat(nucleoplasm.curatorPositives()).isEqualTo(3);
        assertThat(nucleoplasm.shadow().precision()).isEqualTo(1.0);
        assertThat(nucleoplasm.shadow().recall()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(nucleoplasm.shadow().f1()).isCloseTo(0.8, within(1e-12));
        assertThat(nucleoplasm.champion().f1()).isEqualTo(1.0);
        assertThat(nucleoplasm.shadowWorse()).isTrue();

        // Cytosol: never predicted by the shadow on a labelled sample → precision 0 (not 1), recall 0, F1 0
        ClassStatistics cytosol = r.classes().get(CYTOSOL);
        assertThat(cytosol.curatorPositives()).isEqualTo(1);
        assertThat(cytosol.shadow().precision()).isZero();
        assertThat(cytosol.shadow().recall()).isZero();
        assertThat(cytosol.shadow().f1()).isZero();
        assertThat(cytosol.champion().precision()).isEqualTo(1.0);
        assertThat(cytosol.champion().f1()).isEqualTo(1.0);
        assertThat(cytosol.shadowWorse()).isTrue();
    }

    @Test
    void shouldGiveAClassNoCuratorLabelCarriesNoF1AndLeaveItOutOfTheMacroAverage() {
        Result r = ShadowStatistics.of(HAND_MADE);

        // Golgi: predicted twice by the shadow on labelled samples, labelled never → F1 null, precision 0
        ClassStatistics golgi = r.classes().get(GOLGI);
        assertThat(golgi.curatorPositives()).isZero();
        assertThat(golgi.shadow().f1()).isNull();
        assertThat(golgi.shadow().recall()).isNull();
        assertThat(golgi.shadow().precision()).isZero();
        assertThat(golgi.champion().f1()).isNull();
        assertThat(golgi.champion().precision()).isZero(); // never predicted: 0, not 1
        assertThat(golgi.shadowWorse()).isFalse();
        assertThat(r.classes().get(RODS_AND_RINGS).shadow().f1()).isNull();

        // only Nucleoplasm and Cytosol are present: shadow (0.8 + 0) / 2, champion (1 + 1) / 2
        assertThat(r.classesPresent()).isEqualTo(2);
        assertThat(r.macroF1Shadow()).isCloseTo(0.4, within(1e-12));
        assertThat(r.macroF1Champion()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void shouldInterpolateLatencyPercentiles() {
        Result r = ShadowStatistics.of(HAND_MADE);

        // p95 of 10, 12, 14, 16, 18: position 0.95 × 4 = 3.8, so 16 + 0.8 × 2
        assertThat(r.latency().shadowP50Ms()).isEqualTo(14.0);
        assertThat(r.latency().shadowP95Ms()).isCloseTo(17.6, within(1e-9));
        assertThat(r.latency().championP50Ms()).isEqualTo(24.0);
        assertThat(r.latency().championP95Ms()).isCloseTo(27.6, within(1e-9));
    }

    @Test
    void shouldReportNoMacroF1WithoutALabelledSampleAndNothingWithoutSamples() {
        Result unlabelled = ShadowStatistics.of(List.of(observation(List.of(0), List.of(0), null, 5, 6)));
        assertThat(unlabelled.labelled()).isZero();
        assertThat(unlabelled.classesPresent()).isZero();
        assertThat(unlabelled.macroF1Shadow()).isNull();
        assertThat(unlabelled.macroF1Champion()).isNull();
        assertThat(unlabelled.exactAgreement()).isEqualTo(1.0);

        Result none = ShadowStatistics.of(List.of());
        assertThat(none.exactAgreement()).isNull();
        assertThat(none.latency().shadowP50Ms()).isNull();
        assertThat(none.macroF1Shadow()).isNull();
    }
}
