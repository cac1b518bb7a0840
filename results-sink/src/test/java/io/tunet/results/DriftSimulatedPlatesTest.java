package io.tunet.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.tunet.results.DriftFixtures.Plate;
import io.tunet.results.drift.DriftAssessor;
import io.tunet.results.drift.DriftAssessor.Assessment;
import io.tunet.results.drift.FieldObservation;
import io.tunet.schemas.FieldQuality;

/**
 * The assessor on the simulator's plates, without the service: a normal plate passes; an out-of-focus plate, a dim
 * green one and one with another class mix each alarm, on the statistic that tells.
 */
class DriftSimulatedPlatesTest {

    private final DriftAssessor assessor = new DriftAssessor(20, 0.25, 0.25);

    @Test
    void shouldAlarmOnTheThreeDriftedPlatesOnTheirOwnStatisticAndNotOnTheNormalOne() {
        Assessment normal = assess(Plate.NORMAL);
        Assessment blurred = assess(Plate.OUT_OF_FOCUS);
        Assessment dim = assess(Plate.DIM_GREEN);
        Assessment shifted = assess(Plate.SHIFTED_MIX);
        for (Plate p : Plate.values()) {
            System.out.println(describe(p, assess(p)));
        }

        assertThat(normal.alarm()).as(describe(Plate.NORMAL, normal)).isFalse();
        assertThat(blurred.reason()).as(describe(Plate.OUT_OF_FOCUS, blurred)).isEqualTo("QC_DRIFT");
        assertThat(blurred.worst()).isEqualTo("focus");
        assertThat(dim.reason()).as(describe(Plate.DIM_GREEN, dim)).isEqualTo("QC_DRIFT");
        assertThat(dim.worst()).isEqualTo("green.p999");
        assertThat(shifted.reason()).as(describe(Plate.SHIFTED_MIX, shifted)).contains("PREDICTION_DRIFT");
        assertThat(shifted.worst()).isEqualTo(DriftAssessor.PREDICTION);
        assertThat(normal.skipped()).containsExactly(DriftFixtures.UNKNOWN);
    }

    private Assessment assess(Plate plate) {
        return assessor.assess(DriftFixtures.reference(), observations(DriftFixtures.plate(plate))).orElseThrow();
    }

    static List<FieldObservation> observations(List<DriftFixtures.Field> fields) {
        return fields.stream().map(f -> new FieldObservation(qc(f.qc()),
                f.labels().stream().mapToInt(Integer::intValue).toArray())).toList();
    }

    private static double[] qc(FieldQuality qc) {
        return FieldObservation.STATISTICS.stream().mapToDouble(name -> DriftFixtures.statistic(qc, name)).toArray();
    }

    static String describe(Plate plate, Assessment a) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-12s alarm=%-24s worst=%-18s score=%.3f;",
                plate, a.reason(), a.worst(), a.score()));
        a.qc().forEach((name, psi) -> text.append(String.format(Locale.ROOT, " %s %.3f (limit %.3f)", name, psi.psi(),
                psi.limit())));
        text.append(String.format(Locale.ROOT, "; prediction %.3f (limit %.3f)", a.prediction().psi(),
                a.prediction().limit()));
        return text.toString();
    }
}
