package io.tunet.results.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ReferenceHistogram;
import io.tunet.schemas.ReferenceProfile;

/** The drift decision on crafted fields: how many are needed, what is skipped, when a PSI alarms. */
class DriftAssessorTest {

    /** focus in ten equal bins with cuts at 1..9; every field predicts class 0 or 25, half each. */
    private static final ReferenceProfile REFERENCE = ReferenceProfile.newBuilder()
            .setFields(1000).setSource("crafted")
            .setQc(List.of(histogram("focus"), histogram("purple.p50")))
            .setClassFrequencies(frequencies(0.5, 0.5)).setNoClassFraction(0).build();

    private final DriftAssessor assessor = new DriftAssessor(20, 0.25, 0.25);

    @Test
    void shouldNotScoreFewerFieldsWithQcThanMinFields() {
        List<FieldObservation> fields = new ArrayList<>(spread(19));
        // fields classified without QC count for nothing
        fields.addAll(Collections.nCopies(10, new FieldObservation(withoutQc(), new int[] {0})));
        assertThat(assessor.assess(REFERENCE, fields)).isEmpty();
        assertThat(assessor.assess(REFERENCE, spread(20))).isPresent();
    }

    @Test
    void shouldSkipAStatisticTheSinkDoesNotKnowAndScoreTheRest() {
        DriftAssessor.Assessment a = assessor.assess(REFERENCE, spread(40)).orElseThrow();
        assertThat(a.skipped()).containsExactly("purple.p50");
        assertThat(a.qc()).containsOnlyKeys("focus");
        assertThat(a.alarm()).isFalse();
        assertThat(a.qc().get("focus").psi()).isLessThan(1e-9);
    }

    @Test
    void shouldAlarmOnQcWhenEveryFieldFallsInOneBin() {
        List<FieldObservation> blurred = IntStream.range(0, 40)
                .mapToObj(i -> field(0.5, i % 2 == 0 ? 0 : 25)).toList();
        DriftAssessor.Assessment a = assessor.assess(REFERENCE, blurred).orElseThrow();
        assertThat(a.reason()).isEqualTo("QC_DRIFT");
        assertThat(a.worst()).isEqualTo("focus");
        assertThat(a.score()).isEqualTo(a.qc().get("focus").psi()).isGreaterThan(2);
        assertThat(a.prediction().alarm()).isFalse();
    }

    @Test
    void shouldAlarmOnPredictionsWhenTheClassMixShifts() {
        List<FieldObservation> shifted = IntStream.range(0, 40).mapToObj(i -> field(i % 10 + 0.5, 11)).toList();
        DriftAssessor.Assessment a = assessor.assess(REFERENCE, shifted).orElseThrow();
        assertThat(a.reason()).isEqualTo("PREDICTION_DRIFT");
        assertThat(a.worst()).isEqualTo(DriftAssessor.PREDICTION);
        assertThat(a.qc().get("focus").alarm()).isFalse();
    }

    @Test
    void shouldNotAlarmWhereSamplingAloneExplainsThePsiButShouldWithManyFields() {
        // one bin empty, the others even: PSI about 0.6 (the empty bin costs that, floored), over the threshold
        List<FieldObservation> small = IntStream.range(0, 36).mapToObj(i -> field(i % 9 + 1.5, i % 2 == 0 ? 0 : 25))
                .toList();
        DriftAssessor.Assessment fewFields = assessor.assess(REFERENCE, small).orElseThrow();
        assertThat(fewFields.qc().get("focus").psi()).isGreaterThan(0.25);
        assertThat(fewFields.qc().get("focus").limit()).isGreaterThan(fewFields.qc().get("focus").psi());
        assertThat(fewFields.alarm()).isFalse();

        // the same proportions over 3,600 fields cannot be chance
        List<FieldObservation> large = IntStream.range(0, 3600).mapToObj(i -> field(i % 9 + 1.5, i % 2 == 0 ? 0 : 25))
                .toList();
        DriftAssessor.Assessment manyFields = assessor.assess(REFERENCE, large).orElseThrow();
        assertThat(manyFields.qc().get("focus").psi()).isCloseTo(fewFields.qc().get("focus").psi(),
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(manyFields.reason()).isEqualTo("QC_DRIFT");
    }

    @Test
    void shouldRefuseSettingsThatCouldNotWork() {
        assertThatThrownBy(() -> new DriftAssessor(0, 0.25, 0.25)).hasMessageContaining("min-fields");
        assertThatThrownBy(() -> new DriftAssessor(20, 0, 0.25)).hasMessageContaining("qc-threshold");
        assertThatThrownBy(() -> new DriftAssessor(20, 0.25, Double.NaN)).hasMessageContaining("prediction-threshold");
    }

    /** {@code n} fields whose focus spreads evenly over the ten bins, predicting class 0 and 25 in turn. */
    private static List<FieldObservation> spread(int n) {
        return IntStream.range(0, n).mapToObj(i -> field(i % 10 + 0.5, i % 2 == 0 ? 0 : 25)).toList();
    }

    private static FieldObservation field(double focus, int label) {
        double[] qc = withoutQc();
        qc[FieldObservation.index("focus")] = focus;
        return new FieldObservation(qc, new int[] {label});
    }

    private static double[] withoutQc() {
        double[] qc = new double[FieldObservation.STATISTICS.size()];
        Arrays.fill(qc, Double.NaN);
        return qc;
    }

    private static ReferenceHistogram histogram(String statistic) {
        return ReferenceHistogram.newBuilder().setStatistic(statistic)
                .setEdges(IntStream.rangeClosed(1, 9).mapToObj(i -> (double) i).toList())
                .setProportions(Collections.nCopies(10, 0.1)).build();
    }

    private static List<Double> frequencies(double class0, double class25) {
        List<Double> f = new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.0));
        f.set(0, class0);
        f.set(25, class25);
        return f;
    }
}
