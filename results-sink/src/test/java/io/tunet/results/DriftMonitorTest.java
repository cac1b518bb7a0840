package io.tunet.results;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tunet.results.DriftFixtures.Field;
import io.tunet.results.DriftFixtures.Plate;
import io.tunet.results.drift.DriftMonitor;
import io.tunet.schemas.Classification;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.ReferenceHistogram;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;

/**
 * Drift end to end, against the real broker and PostgreSQL: a model version with a reference made from normal
 * HPA-Synth fields on {@code models}; classifications carrying the FieldQc of four simulated plates (normal, out of
 * focus, dim green, another class mix) on {@code classifications}. The scheduled monitor raises three alarms
 * (incidents, API, metric) on the statistic that tells, none for the normal plate; the same records again change
 * nothing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DriftMonitorTest {

    private static final String VIEWER = "Bearer " + EmbeddedPostgresTestResource.VIEWER_TOKEN;
    /** A model name of its own: the other tests' plates (model tunet, no reference) stay unscored. */
    private static final String MODEL = "tunet-drift";
    private static final Map<Plate, String> PLATES = Map.of(Plate.NORMAL, "DRIFT-NORMAL",
            Plate.OUT_OF_FOCUS, "DRIFT-BLUR", Plate.DIM_GREEN, "DRIFT-DIM-GREEN", Plate.SHIFTED_MIX, "DRIFT-SHIFTED");
    private static final String FEW_FIELDS_PLATE = "DRIFT-FEW";
    private static final String NO_REFERENCE_PLATE = "DRIFT-NO-REFERENCE";
    private static final String GOOD_SCOPE = "scope-drift-ok";
    private static final String BAD_SCOPE = "scope-drift-bad";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static double alarmsBefore;
    private static final List<Classification> PUBLISHED = new ArrayList<>();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DriftMonitor monitor;

    @Test
    @Order(1)
    void shouldRaiseOneAlarmPerDriftedPlateOnItsOwnStatisticAndNoneForTheNormalPlate() throws Exception {
        alarmsBefore = PoisonRecordTest.metric("results_drift_alarms_total", "");
        // version 1 has the reference; version 2 of another model has none (an older training service)
        ModelVersion withoutReference = ModelVersion.newBuilder(Fixtures.modelVersion(1, ModelStatus.PROMOTED, 0.5))
                .setModelName(MODEL + "-no-reference").build();
        Sink.publish(Topics.MODELS, List.of(DriftFixtures.modelVersion(MODEL, 1), withoutReference),
                ModelVersion::getModelName);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        List<Sample> samples = new ArrayList<>();
        for (Plate kind : Plate.values()) {
            String instrument = kind == Plate.NORMAL ? GOOD_SCOPE : BAD_SCOPE;
            String cellLine = kind == Plate.NORMAL ? "U-2 OS" : "A-431";
            List<Field> fields = DriftFixtures.plate(kind);
            for (int i = 0; i < fields.size(); i++) {
                String id = PLATES.get(kind) + "-" + i;
                samples.add(Sample.newBuilder(Fixtures.sample(id, PLATES.get(kind), well(i), 32))
                        .setInstrumentId(instrument).setCellLine(cellLine).build());
                PUBLISHED.add(DriftFixtures.classification(id, PLATES.get(kind), well(i), MODEL, 1, fields.get(i)));
            }
        }
        // too few fields to score; and a plate only a version without reference classified
        List<Field> normal = DriftFixtures.plate(Plate.NORMAL);
        for (int i = 0; i < 10; i++) {
            PUBLISHED.add(DriftFixtures.classification(FEW_FIELDS_PLATE + "-" + i, FEW_FIELDS_PLATE, well(i), MODEL, 1,
                    normal.get(i)));
        }
        for (int i = 0; i < normal.size(); i++) {
            PUBLISHED.add(DriftFixtures.classification(NO_REFERENCE_PLATE + "-" + i, NO_REFERENCE_PLATE, well(i),
                    MODEL + "-no-reference", 1, DriftFixtures.plate(Plate.DIM_GREEN).get(i)));
        }
        Sink.publish(Topics.SAMPLES, samples, Sample::getSampleId);
        Sink.publish(Topics.CLASSIFICATIONS, PUBLISHED, Classification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        // the schedule (PT2S in tests) does the work: wait for its three incidents
        Instant deadline = Instant.now().plus(WAIT);
        while (driftIncidents() < 3 && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
        }
        assertThat(driftIncidents()).isEqualTo(3);
        // a scheduled pass may have run while the plates were half stored (each alarm is raised once, by the pass that
        // saw it first); one more pass sees every field
        monitor.pass();
        assertThat(driftIncidents()).isEqualTo(3);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'DRIFT' AND plate = ?",
                PLATES.get(Plate.NORMAL))).isZero();

        JsonPath plates = given().header("Authorization", VIEWER).when().get("/api/drift?scope=plate")
                .then().statusCode(200).extract().jsonPath();
        StringBuilder measured = new StringBuilder("plate PSIs against " + DriftFixtures.REFERENCE_FIELDS
                + " reference fields, " + DriftFixtures.BINS + " bins, " + DriftFixtures.PLATE_FIELDS + " fields each:\n");
        for (Plate kind : Plate.values()) {
            Map<String, Object> result = result(plates, PLATES.get(kind));
            measured.append(describe(kind, result)).append('\n');
            assertThat(result.get("modelName")).isEqualTo(MODEL);
            assertThat(result.get("fields")).isEqualTo(DriftFixtures.PLATE_FIELDS);
        }
        Files.createDirectories(Path.of("target", "benchmark"));
        Files.writeString(Path.of("target", "benchmark", "drift-psi.txt"), measured);
        System.out.print(measured);

        assertThat(result(plates, PLATES.get(Plate.NORMAL)).get("alarm")).isEqualTo(false);
        assertThat(result(plates, PLATES.get(Plate.OUT_OF_FOCUS))).containsEntry("alarm", true)
                .containsEntry("reason", "QC_DRIFT").containsEntry("worst", "focus");
        assertThat(result(plates, PLATES.get(Plate.DIM_GREEN))).containsEntry("alarm", true)
                .containsEntry("reason", "QC_DRIFT").containsEntry("worst", "green.p999");
        assertThat(result(plates, PLATES.get(Plate.SHIFTED_MIX))).containsEntry("alarm", true)
                .containsEntry("worst", "prediction");
        assertThat((String) result(plates, PLATES.get(Plate.SHIFTED_MIX)).get("reason")).contains("PREDICTION_DRIFT");
        // the statistic no reader knows is skipped, the rest profiled
        assertThat(plates.getList("find { it.key == 'DRIFT-BLUR' }.qc.statistic", String.class))
                .containsExactlyElementsOf(DriftFixtures.PROFILED);
        assertThat(plates.getList("key", String.class)).doesNotContain(FEW_FIELDS_PLATE, NO_REFERENCE_PLATE)
                .doesNotContain("PLATE-UI", "PLATE-API");

        // the incident says what drifted and by how much
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'DRIFT' AND plate = ? "
                + "AND reason = 'QC_DRIFT' AND detail LIKE '%: worst focus at PSI%'", PLATES.get(Plate.OUT_OF_FOCUS)))
                .isEqualTo(1);
        given().header("Authorization", VIEWER).when().get("/api/incidents?kind=DRIFT").then().statusCode(200)
                .body("total", org.hamcrest.Matchers.greaterThanOrEqualTo(3))
                .body(containsString("worst green.p999"));

        // the plate list and the plate summary carry it
        JsonPath list = given().header("Authorization", VIEWER).when().get("/api/plates").then().statusCode(200)
                .extract().jsonPath();
        assertThat(list.getBoolean("find { it.plate == 'DRIFT-DIM-GREEN' }.drift.alarm")).isTrue();
        assertThat(list.getString("find { it.plate == 'DRIFT-DIM-GREEN' }.drift.worst")).isEqualTo("green.p999");
        assertThat(list.getBoolean("find { it.plate == 'DRIFT-NORMAL' }.drift.alarm")).isFalse();
        assertThat(list.getMap("find { it.plate == 'DRIFT-FEW' }").get("drift")).isNull();
        given().header("Authorization", VIEWER).when().get("/api/plates/DRIFT-BLUR").then().statusCode(200)
                .body("drift.alarm", org.hamcrest.Matchers.is(true)).body("drift.worst", org.hamcrest.Matchers.is("focus"));

        // instruments and cell lines over the window
        JsonPath instruments = given().header("Authorization", VIEWER).when().get("/api/drift?scope=instrument")
                .then().statusCode(200).extract().jsonPath();
        assertThat(result(instruments, BAD_SCOPE).get("alarm")).isEqualTo(true);
        assertThat(result(instruments, GOOD_SCOPE).get("alarm")).isEqualTo(false);
        assertThat(result(instruments, BAD_SCOPE).get("fields")).isEqualTo(3 * DriftFixtures.PLATE_FIELDS);
        JsonPath cellLines = given().header("Authorization", VIEWER).when().get("/api/drift?scope=cell_line")
                .then().statusCode(200).extract().jsonPath();
        assertThat(result(cellLines, "A-431").get("alarm")).isEqualTo(true);
        assertThat(result(cellLines, "U-2 OS").get("alarm")).isEqualTo(false);
        // each alarm of an instrument or a cell line is an incident too, once, naming it and the window
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'DRIFT' AND plate IS NULL "
                + "AND detail LIKE ?", "instrument " + BAD_SCOPE + " over the last 24h against the reference of %"))
                .isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'DRIFT' AND plate IS NULL "
                + "AND detail LIKE 'cell line A-431 over the last 24h against %'")).isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'DRIFT' AND plate IS NULL "
                + "AND (detail LIKE ? OR detail LIKE 'cell line U-2 OS %')", "instrument " + GOOD_SCOPE + " %")).isZero();

        // metrics: five alarms counted (three plates, an instrument, a cell line), the plates in alarm, one score
        // per instrument
        assertThat(PoisonRecordTest.metric("results_drift_alarms_total", "")).isEqualTo(alarmsBefore + 5);
        // (other test classes in this application may have plates in alarm too)
        assertThat(PoisonRecordTest.metric("results_drift_plates_in_alarm", "")).isGreaterThanOrEqualTo(3)
                .isEqualTo(Sink.count(dataSource, "SELECT count(*) FROM drift_results WHERE scope = 'plate' AND alarm"));
        // (JsonPath reads JSON numbers as float)
        assertThat(PoisonRecordTest.metric("results_drift_instrument_score", "instrument=\"" + BAD_SCOPE + "\""))
                .isCloseTo(((Number) result(instruments, BAD_SCOPE).get("score")).doubleValue(), within(1e-5))
                .isGreaterThan(1);
        assertThat(PoisonRecordTest.metric("results_drift_instrument_score", "instrument=\"" + GOOD_SCOPE + "\""))
                .isCloseTo(((Number) result(instruments, GOOD_SCOPE).get("score")).doubleValue(), within(1e-5));
    }

    @Test
    @Order(2)
    void shouldChangeNothingWhenTheSameRecordsArriveAgain() throws Exception {
        List<String> results = Sink.rows(dataSource, "drift_results", "scope, scope_key");
        List<String> incidents = Sink.rows(dataSource, "incidents WHERE kind = 'DRIFT'", "incident_key");

        Sink.publish(Topics.MODELS, List.of(DriftFixtures.modelVersion(MODEL, 1)), ModelVersion::getModelName);
        Sink.publish(Topics.CLASSIFICATIONS, PUBLISHED, Classification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        assertThat(monitor.pass()).isPositive();
        monitor.pass();

        assertThat(Sink.rows(dataSource, "drift_results", "scope, scope_key")).isEqualTo(results);
        assertThat(Sink.rows(dataSource, "incidents WHERE kind = 'DRIFT'", "incident_key")).isEqualTo(incidents);
        assertThat(driftIncidents()).isEqualTo(3);
        assertThat(PoisonRecordTest.metric("results_drift_alarms_total", "")).isEqualTo(alarmsBefore + 5);
    }

    @Test
    @Order(3)
    void shouldAnswer400ForAnUnknownScope() {
        given().header("Authorization", VIEWER).when().get("/api/drift?scope=well").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.is("scope must be one of [plate, instrument, cell_line], was 'well'"));
        given().when().get("/api/drift").then().statusCode(401);
    }

    @Test
    @Order(4)
    void shouldKeepAVersionWhoseReferenceBreaksTheContractWithoutItAndSaySo() throws Exception {
        ReferenceProfile good = DriftFixtures.reference();
        List<ReferenceHistogram> qc = new ArrayList<>(good.getQc());
        qc.set(0, ReferenceHistogram.newBuilder(qc.get(0)).setProportions(List.of(0.5, 0.5)).build());
        ModelVersion broken = ModelVersion.newBuilder(DriftFixtures.modelVersion(MODEL + "-broken", 1))
                .setReference(ReferenceProfile.newBuilder(good).setQc(qc).build()).build();
        // a version first stored without a reference gets one from a later record of it
        ModelVersion late = ModelVersion.newBuilder(DriftFixtures.modelVersion(MODEL + "-late", 1)).setReference(null)
                .build();
        Sink.publish(Topics.MODELS, List.of(broken, late), ModelVersion::getModelName);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        Sink.publish(Topics.MODELS, List.of(DriftFixtures.modelVersion(MODEL + "-late", 1)), ModelVersion::getModelName);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        assertThat(Sink.count(dataSource, "SELECT count(*) FROM model_versions WHERE model_name = ? AND reference IS NULL",
                MODEL + "-broken")).isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'INVALID_RECORD' "
                + "AND reason = 'INVALID_REFERENCE' AND detail LIKE ?", "%histogram 'focus': 2 proportions for "
                + (good.getQc().get(0).getEdges().size()) + " edges%")).isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM model_versions WHERE model_name = ? "
                + "AND reference->>'fields' = ?", MODEL + "-late", String.valueOf(DriftFixtures.REFERENCE_FIELDS)))
                .isEqualTo(1);
    }

    private long driftIncidents() throws Exception {
        return Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'DRIFT' AND plate LIKE 'DRIFT-%'");
    }

    private static Map<String, Object> result(JsonPath results, String key) {
        Map<String, Object> result = results.getMap("find { it.key == '" + key + "' }");
        assertThat(result).as("drift result of " + key).isNotNull();
        return result;
    }

    @SuppressWarnings("unchecked")
    private static String describe(Plate kind, Map<String, Object> result) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-12s alarm=%-5s reason=%-24s worst=%-11s",
                kind, result.get("alarm"), result.get("reason"), result.get("worst")));
        for (Map<String, Object> s : (List<Map<String, Object>>) result.get("qc")) {
            text.append(String.format(Locale.ROOT, " %s %.2f%s", s.get("statistic"), ((Number) s.get("psi")).doubleValue(),
                    Boolean.TRUE.equals(s.get("alarm")) ? "!" : ""));
        }
        Map<String, Object> p = (Map<String, Object>) result.get("prediction");
        return text.append(String.format(Locale.ROOT, " prediction %.2f%s (limit %.2f)", ((Number) p.get("psi")).doubleValue(),
                Boolean.TRUE.equals(p.get("alarm")) ? "!" : "", ((Number) p.get("limit")).doubleValue())).toString();
    }

    private static String well(int index) {
        return "ABCDEFGH".charAt(index / 12 % 8) + String.format(Locale.ROOT, "%02d", index % 12 + 1);
    }
}
