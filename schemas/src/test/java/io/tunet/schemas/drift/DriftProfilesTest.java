package io.tunet.schemas.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.tunet.schemas.ReferenceHistogram;

class DriftProfilesTest {

    private static final double[] UNIFORM = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();

    @Test
    void shouldCutAtQuantilesSoEachBinHoldsAnEqualShare() {
        ReferenceHistogram h = DriftProfiles.histogram("focus", UNIFORM, 4);

        assertThat(h.getEdges()).containsExactly(25.0, 50.0, 75.0);
        assertThat(h.getProportions()).containsExactly(0.25, 0.25, 0.25, 0.25);
    }

    @Test
    void shouldMergeRepeatedCutPointsAndSkipNonFiniteValues() {
        double[] mostlyZero = new double[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, Double.NaN};

        ReferenceHistogram h = DriftProfiles.histogram("nuclei", mostlyZero, 10);

        assertThat(h.getEdges()).containsExactly(0.0, 1.0);
        assertThat(h.getProportions()).containsExactly(0.8, 0.1, 0.1);
        assertThat(DriftProfiles.histogram("nuclei", new double[] {Double.NaN}, 10)).isNull();
    }

    @Test
    void shouldPutAValueOnACutPointInTheLowerBin() {
        List<Double> edges = List.of(1.0, 2.0);

        assertThat(DriftProfiles.bin(edges, 1.0)).isZero();
        assertThat(DriftProfiles.bin(edges, 1.5)).isEqualTo(1);
        assertThat(DriftProfiles.bin(edges, 2.5)).isEqualTo(2);
    }

    @Test
    void shouldScoreTheSameDistributionZeroAndAShiftedOneAboveTheSignificantLevel() {
        ReferenceHistogram h = DriftProfiles.histogram("focus", UNIFORM, 10);
        double[] expected = h.getProportions().stream().mapToDouble(Double::doubleValue).toArray();
        double[] shifted = IntStream.rangeClosed(1, 100).mapToDouble(i -> i * 0.4).toArray();

        assertThat(DriftProfiles.psi(expected, DriftProfiles.proportions(h, UNIFORM))).isCloseTo(0, within(1e-12));
        assertThat(DriftProfiles.psi(expected, DriftProfiles.proportions(h, shifted))).isGreaterThan(0.25);
    }

    @Test
    void shouldPutTheChanceLevelOfASmallSampleAboveWhatAnUnchangedOneScoresAndBelowAShiftedOne() {
        ReferenceHistogram h = DriftProfiles.histogram("focus", UNIFORM, 10);
        double[] expected = h.getProportions().stream().mapToDouble(Double::doubleValue).toArray();
        // 20 fields of the same acquisition: two bins happen to stay empty, as they do by chance
        double[] unchanged = {12, 15, 18, 24, 27, 33, 38, 44, 47, 53, 58, 71, 74, 77, 79, 84, 88, 93, 96, 99};
        double[] shifted = IntStream.range(0, 20).mapToDouble(i -> 2 + i * 1.5).toArray();
        double level = DriftProfiles.chanceLevel(expected, 20, 100);

        assertThat(DriftProfiles.psi(expected, DriftProfiles.proportions(h, unchanged))).isGreaterThan(1)
                .isLessThan(level);
        assertThat(DriftProfiles.psi(expected, DriftProfiles.proportions(h, shifted))).isGreaterThan(level);
        assertThat(DriftProfiles.chanceLevel(expected, 20, 100)).as("seeded").isEqualTo(level);
        assertThat(DriftProfiles.chanceLevel(expected, 3000, Integer.MAX_VALUE)).isLessThan(0.25);
    }

    @Test
    void shouldCountPredictionsAndEmptyFieldsInOneDistribution() {
        double[] counts = new double[28];
        counts[0] = 3;
        counts[25] = 1;

        double[] distribution = DriftProfiles.predictionDistribution(counts, 4);

        assertThat(distribution).hasSize(29);
        assertThat(distribution[0]).isEqualTo(0.375);
        assertThat(distribution[25]).isEqualTo(0.125);
        assertThat(distribution[28]).isEqualTo(0.5);
    }
}
