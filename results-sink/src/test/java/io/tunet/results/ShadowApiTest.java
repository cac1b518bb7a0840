package io.tunet.results;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.ShadowClassification;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;

/**
 * Shadow models on live traffic, the sink's side (#19 §3): verdicts from {@code classifications-shadow} land once in
 * {@code shadow_results} and never in the served results; {@code /api/shadow} compares each shadowed version with the
 * champion on a hand-made set whose answers are worked out in {@code ShadowStatisticsTest}; the sample detail carries
 * the verdicts; the label-next queue ranks a disagreement up and names its classes.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class ShadowApiTest {

    private static final String PLATE = "PLATE-SHADOW";
    private static final String VIEWER = "Bearer " + EmbeddedPostgresTestResource.VIEWER_TOKEN;
    private static final String CURATOR = "Bearer " + EmbeddedPostgresTestResource.CURATOR_TOKEN;
    private static final long CHAMPION = 800;
    /** Shadowed on the hand-made set; a CANDIDATE on {@code models}. */
    private static final long SHADOW = 801;
    /** Shadowed on one unlabelled sample only; the sink never saw it on {@code models}. */
    private static final long OTHER_SHADOW = 802;
    private static final int GOLGI = 7;
    private static final int CYTOSOL = 25;
    private static final String STORED = "results_shadow_results_stored_total";

    @Inject
    AgroalDataSource dataSource;

    /** The hand-made set of {@code ShadowStatisticsTest} (#1..#5), and #6 for the queue. */
    static List<ShadowClassification> verdicts() {
        return List.of(
                ShadowFixtures.shadow("shadow-1", PLATE, "D01", SHADOW, CHAMPION, List.of(0), List.of(0), 10, 20),
                ShadowFixtures.shadow("shadow-2", PLATE, "D02", SHADOW, CHAMPION, List.of(0, 7), List.of(0), 12, 22),
                ShadowFixtures.shadow("shadow-3", PLATE, "D03", SHADOW, CHAMPION, List.of(7), List.of(25), 14, 24),
                ShadowFixtures.shadow("shadow-4", PLATE, "D04", SHADOW, CHAMPION, List.of(25), List.of(25), 16, 26),
                ShadowFixtures.shadow("shadow-5", PLATE, "D05", SHADOW, CHAMPION, List.of(), List.of(0), 18, 28),
                // the same champion verdict as #4, but this shadow disagrees on it
                ShadowFixtures.shadow("shadow-6", PLATE, "D06", OTHER_SHADOW, CHAMPION, List.of(7), List.of(25), 30,
                        20));
    }

    @BeforeAll
    static void publish() throws Exception {
        Sink.publish(Topics.MODELS, List.of(Fixtures.modelVersion(CHAMPION, ModelStatus.PROMOTED, 0.7),
                Fixtures.modelVersion(SHADOW, ModelStatus.CANDIDATE, 0.72)), ModelVersion::getModelName);
        List<Classification> champion = new ArrayList<>();
        for (ShadowClassification v : verdicts()) {
            List<Integer> labels = v.getChampionLabels();
            champion.add(Fixtures.classification(v.getSampleId(), PLATE, v.getWell(), CHAMPION,
                    labels.isEmpty() ? 0 : labels.get(0), 0.8f, labels));
        }
        Sink.publish(Topics.CLASSIFICATIONS, champion, Classification::getSampleId);
        Sink.publish(Topics.CLASSIFICATIONS_SHADOW, verdicts(), ShadowClassification::getSampleId);
        Sink.publish(Topics.FEEDBACK, List.of(ShadowFixtures.label("shadow-1", List.of(0)),
                ShadowFixtures.label("shadow-2", List.of(0)), ShadowFixtures.label("shadow-3", List.of(25)),
                ShadowFixtures.label("shadow-5", List.of(0))), LabelFeedback::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
    }

    private static JsonPath get(String path) {
        return given().header("Authorization", VIEWER).when().get(path).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void shouldStoreEachVerdictOnceEvenWhenReplayedAndCountOnlyNewOnes() throws Exception {
        List<String> before = Sink.rows(dataSource, "shadow_results", "sample_id, shadow_version");
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM shadow_results WHERE shadow_version = ?", SHADOW))
                .isEqualTo(5);
        double stored = PoisonRecordTest.metric(STORED, "");

        // a new verdict counts once
        ShadowClassification fresh = ShadowFixtures.shadow("shadow-new", PLATE, "D07", 803, CHAMPION, List.of(3),
                List.of(3), 9, 9);
        Sink.publish(Topics.CLASSIFICATIONS_SHADOW, List.of(fresh), ShadowClassification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        assertThat(PoisonRecordTest.metric(STORED, "")).isEqualTo(stored + 1);
        List<String> withFresh = Sink.rows(dataSource, "shadow_results", "sample_id, shadow_version");
        assertThat(withFresh).hasSize(before.size() + 1);

        // everything again: every record is read and stored as a no-op (not refused and dead-lettered), no row
        // changes, no new verdict counts
        String topic = "topic=\"classifications-shadow\"";
        double read = PoisonRecordTest.metric("results_records_stored_total", topic);
        double deadLettered = PoisonRecordTest.metric("results_records_dead_lettered_total", topic);
        List<ShadowClassification> replay = new ArrayList<>(verdicts());
        replay.add(fresh);
        Sink.publish(Topics.CLASSIFICATIONS_SHADOW, replay, ShadowClassification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        assertThat(Sink.rows(dataSource, "shadow_results", "sample_id, shadow_version")).isEqualTo(withFresh);
        assertThat(PoisonRecordTest.metric(STORED, "")).isEqualTo(stored + 1);
        assertThat(PoisonRecordTest.metric("results_records_stored_total", topic)).isEqualTo(read + replay.size());
        assertThat(PoisonRecordTest.metric("results_records_dead_lettered_total", topic)).isEqualTo(deadLettered);
    }

    @Test
    void shouldNeverServeAShadowVerdictAsTheSamplesResult() throws Exception {
        // the sample's result is the champion's alone
        JsonPath sample = get("/api/samples/shadow-3");
        assertThat(sample.getLong("sample.latest.modelVersion")).isEqualTo(CHAMPION);
        assertThat(sample.getList("predictions")).hasSize(1);
        assertThat(sample.getList("sample.latest.predictedLabels", Integer.class)).containsExactly(CYTOSOL);
        // a verdict whose sample the sink has no result for makes no sample, no prediction
        Sink.publish(Topics.CLASSIFICATIONS_SHADOW, List.of(ShadowFixtures.shadow("shadow-only", PLATE, "D08", SHADOW,
                CHAMPION, List.of(1), List.of(2), 5, 5)), ShadowClassification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM shadow_results WHERE sample_id = 'shadow-only'"))
                .isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM samples WHERE sample_id = 'shadow-only'")).isZero();
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM predictions WHERE sample_id = 'shadow-only'")).isZero();
        given().header("Authorization", VIEWER).when().get("/api/samples/shadow-only").then().statusCode(404);
        // the statistics of SHADOW stay those of the hand-made set: remove it again
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM shadow_results WHERE sample_id = 'shadow-only'");
        }
    }

    @Test
    void shouldReportABrokenVerdictAndDeadLetterOneTheDatabaseRefuses() throws Exception {
        ShadowClassification broken = ShadowClassification.newBuilder(ShadowFixtures.shadow("shadow-broken", PLATE,
                "E01", SHADOW, CHAMPION, List.of(0), List.of(0), 1, 1))
                .setProbabilities(new ArrayList<>(java.util.Collections.nCopies(27, 0.1f))).build();
        String poisonKey = "shadow-\0-poison";
        ShadowClassification poison = ShadowFixtures.shadow(poisonKey, PLATE, "E02", SHADOW, CHAMPION, List.of(0),
                List.of(0), 1, 1);
        RecordMetadata where;
        try (KafkaProducer<String, ShadowClassification> producer =
                     TestBroker.shared().producer(Topics.CLASSIFICATIONS_SHADOW)) {
            producer.send(new ProducerRecord<>(Topics.CLASSIFICATIONS_SHADOW.name(), "shadow-broken", broken)).get();
            where = producer.send(new ProducerRecord<>(Topics.CLASSIFICATIONS_SHADOW.name(), poisonKey, poison)).get();
        }
        Sink.awaitCaughtUp(Duration.ofSeconds(90));

        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'INVALID_RECORD' "
                + "AND source_topic = 'classifications-shadow' AND detail = ?",
                "probabilities has 27 entries, expected 28")).isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM shadow_results WHERE sample_id LIKE 'shadow-%' "
                + "AND plate = ? AND well LIKE 'E%'", PLATE)).isZero();
        List<ConsumerRecord<String, DeadLetter>> letters = TestBroker.shared().read(Topics.RESULTS_DLQ, 1,
                Duration.ofSeconds(30), r -> r.value().getSourceTopic().equals(Topics.CLASSIFICATIONS_SHADOW.name())
                        && r.value().getSourceOffset() == where.offset()
                        && r.value().getSourcePartition() == where.partition());
        assertThat(letters).singleElement().satisfies(r -> {
            assertThat(r.value().getReason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
            assertThat(r.value().getDetail()).startsWith("not stored after 3 attempts");
        });
    }

    @Test
    void shouldListTheShadowedVersionsWithTheirSummary() {
        JsonPath body = get("/api/shadow");
        List<Map<String, Object>> versions = body.getList("$");
        Map<String, Object> shadow = versions.stream().filter(v -> ((Number) v.get("version")).longValue() == SHADOW)
                .findFirst().orElseThrow(() -> new AssertionError("version " + SHADOW + " not listed: " + versions));
        assertThat(shadow.get("modelName")).isEqualTo("tunet");
        assertThat(shadow.get("status")).isEqualTo("CANDIDATE");
        assertThat(shadow.get("championVersions")).isEqualTo(List.of((int) CHAMPION));
        assertThat(shadow.get("samples")).isEqualTo(5);
        assertThat(shadow.get("agreedSamples")).isEqualTo(2);
        assertThat(((Number) shadow.get("exactAgreement")).doubleValue()).isCloseTo(0.4, within(1e-6));
        assertThat(shadow.get("labelled")).isEqualTo(4);
        assertThat(shadow.get("classesPresent")).isEqualTo(2);
        assertThat(((Number) shadow.get("macroF1Shadow")).doubleValue()).isCloseTo(0.4, within(1e-6));
        assertThat(((Number) shadow.get("macroF1Champion")).doubleValue()).isCloseTo(1.0, within(1e-6));
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) shadow.get("latency");
        assertThat(((Number) latency.get("shadowP50Ms")).doubleValue()).isEqualTo(14.0);
        assertThat(((Number) latency.get("shadowP95Ms")).doubleValue()).isCloseTo(17.6, within(1e-6));
        assertThat(((Number) latency.get("championP95Ms")).doubleValue()).isCloseTo(27.6, within(1e-6));
        assertThat(shadow.get("classes")).isEqualTo(List.of());

        // a version the sink never saw on models: listed, without a status; one unlabelled sample, no macro-F1
        Map<String, Object> other = versions.stream()
                .filter(v -> ((Number) v.get("version")).longValue() == OTHER_SHADOW).findFirst().orElseThrow();
        assertThat(other.get("status")).isNull();
        assertThat(other.get("samples")).isEqualTo(1);
        assertThat(other.get("labelled")).isEqualTo(0);
        assertThat(other.get("macroF1Shadow")).isNull();
        assertThat(other.get("macroF1Champion")).isNull();
        // newest version first
        List<Long> order = versions.stream().map(v -> ((Number) v.get("version")).longValue()).toList();
        assertThat(order.indexOf(OTHER_SHADOW)).isLessThan(order.indexOf(SHADOW));
    }

    @Test
    void shouldGiveThePerClassTableOfOneVersion() {
        JsonPath body = get("/api/shadow/" + SHADOW);
        assertThat(body.getLong("version")).isEqualTo(SHADOW);
        assertThat(body.getInt("samples")).isEqualTo(5);
        assertThat(body.getList("classes")).hasSize(28);

        assertThat(body.getString("classes[0].className")).isEqualTo("Nucleoplasm");
        assertThat(body.getInt("classes[0].shadowPositives")).isEqualTo(2);
        assertThat(body.getInt("classes[0].championPositives")).isEqualTo(3);
        assertThat(body.getDouble("classes[0].agreement")).isCloseTo(0.8, within(1e-6));
        assertThat(body.getInt("classes[0].curatorPositives")).isEqualTo(3);
        assertThat(body.getDouble("classes[0].shadow.f1")).isCloseTo(0.8, within(1e-6));
        assertThat(body.getDouble("classes[0].champion.f1")).isCloseTo(1.0, within(1e-6));
        assertThat(body.getBoolean("classes[0].shadowWorse")).isTrue();

        // Golgi: no curator label carries it → F1 null (not 0, not 1); predicted only by the shadow → precision 0
        assertThat(body.getInt("classes[" + GOLGI + "].curatorPositives")).isZero();
        assertThat(body.getString("classes[" + GOLGI + "].shadow.f1")).isNull();
        assertThat(body.getString("classes[" + GOLGI + "].champion.f1")).isNull();
        assertThat(body.getString("classes[" + GOLGI + "].shadow.recall")).isNull();
        assertThat(body.getDouble("classes[" + GOLGI + "].champion.precision")).isZero();
        assertThat(body.getBoolean("classes[" + GOLGI + "].shadowWorse")).isFalse();

        // Cytosol: labelled once, never predicted by the shadow on a labelled sample → precision 0, F1 0
        assertThat(body.getDouble("classes[" + CYTOSOL + "].shadow.precision")).isZero();
        assertThat(body.getDouble("classes[" + CYTOSOL + "].shadow.f1")).isZero();
        assertThat(body.getDouble("classes[" + CYTOSOL + "].champion.f1")).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void shouldAnswer400ForABadVersionAnd404ForAnUnknownOne() {
        for (String bad : List.of("abc", "0", "-3", "1.5", "99999999999999999999")) {
            given().header("Authorization", VIEWER).when().get("/api/shadow/" + bad).then().statusCode(400)
                    .body("error", equalTo("version must be a model version number (1 or more), was '" + bad + "'"));
        }
        given().header("Authorization", VIEWER).when().get("/api/shadow/" + CHAMPION).then().statusCode(404)
                .body("error", equalTo("no shadow results for model version " + CHAMPION));
    }

    @Test
    void shouldNeedATokenAndAcceptViewerAndCurator() {
        given().when().get("/api/shadow").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-token").when().get("/api/shadow/" + SHADOW).then().statusCode(401);
        given().header("Authorization", VIEWER).when().get("/api/shadow").then().statusCode(200);
        given().header("Authorization", CURATOR).when().get("/api/shadow/" + SHADOW).then().statusCode(200);
    }

    @Test
    void shouldGiveTheSamplesShadowVerdictsBesideItsPredictions() {
        JsonPath detail = get("/api/samples/shadow-3");
        assertThat(detail.getList("shadows")).hasSize(1);
        assertThat(detail.getLong("shadows[0].shadowVersion")).isEqualTo(SHADOW);
        assertThat(detail.getLong("shadows[0].championVersion")).isEqualTo(CHAMPION);
        assertThat(detail.getList("shadows[0].predictedLabels", Integer.class)).containsExactly(GOLGI);
        assertThat(detail.getList("shadows[0].championLabels", Integer.class)).containsExactly(CYTOSOL);
        assertThat(detail.getList("shadows[0].disagreement", Integer.class)).containsExactly(GOLGI, CYTOSOL);
        assertThat(detail.getList("shadows[0].probabilities")).hasSize(28);
        assertThat(detail.getFloat("shadows[0].probabilities[7]")).isEqualTo(0.9f);
        assertThat(detail.getDouble("shadows[0].shadowMs")).isEqualTo(14.0);

        assertThat(get("/api/samples/shadow-1").getList("shadows[0].disagreement")).isEmpty();
        // a sample no version was shadowed on: an empty list, not null
        Sink.publish(Topics.CLASSIFICATIONS, List.of(Fixtures.classification("shadow-none", PLATE, "D09", CHAMPION, 0,
                0.8f, List.of(0))), Classification::getSampleId);
        try {
            Sink.awaitCaughtUp(Duration.ofSeconds(60));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(get("/api/samples/shadow-none").getList("shadows")).isEmpty();
    }

    @Test
    void shouldRankASampleTheShadowDisagreesOnAboveTheSameSampleWithoutAndSayWhy() {
        JsonPath body = get("/api/queue?plate=" + PLATE + "&limit=50");
        List<Map<String, Object>> items = body.getList("$");
        Map<String, Object> disagreeing = item(items, "shadow-6");
        Map<String, Object> agreeing = item(items, "shadow-4");
        // the same champion verdict; only the shadow's disagreement differs
        assertThat(((Number) disagreeing.get("score")).doubleValue() - ((Number) agreeing.get("score")).doubleValue())
                .isCloseTo(0.2, within(1e-6));
        assertThat(items.indexOf(disagreeing)).isLessThan(items.indexOf(agreeing));
        assertThat(((Number) disagreeing.get("disagreementBonus")).doubleValue()).isCloseTo(0.2, within(1e-6));
        assertThat((String) disagreeing.get("reason")).endsWith(
                "; champion v800 and shadow v802 disagree on Golgi apparatus (shadow only), Cytosol (champion only)");
        @SuppressWarnings("unchecked")
        Map<String, Object> disagreement = (Map<String, Object>) disagreeing.get("disagreement");
        assertThat(disagreement.get("shadowVersion")).isEqualTo((int) OTHER_SHADOW);
        assertThat(disagreement.get("classes")).isEqualTo(List.of(
                Map.of("classIndex", GOLGI, "className", "Golgi apparatus", "champion", false, "shadow", true),
                Map.of("classIndex", CYTOSOL, "className", "Cytosol", "champion", true, "shadow", false)));
        assertThat(agreeing.get("disagreement")).isNull();
        assertThat(((Number) agreeing.get("disagreementBonus")).doubleValue()).isZero();
        assertThat((String) agreeing.get("reason")).doesNotContain("disagree");
        // labelled samples stay out of the queue, disagreement or not (shadow-3)
        assertThat(items.stream().map(i -> i.get("sampleId"))).doesNotContain("shadow-3");
    }

    @Test
    void shouldNotRankADisputeTheRegistryHasSettled() throws Exception {
        // version 803 disagreed with the champion on shadow-7, then training rejected it
        long settled = 803;
        String plate = PLATE + "-SETTLED";
        Sink.publish(Topics.MODELS, List.of(Fixtures.modelVersion(settled, ModelStatus.REJECTED, 0.6)),
                ModelVersion::getModelName);
        Sink.publish(Topics.CLASSIFICATIONS, List.of(Fixtures.classification("shadow-7", plate, "D07", CHAMPION,
                CYTOSOL, 0.8f, List.of(CYTOSOL))), Classification::getSampleId);
        Sink.publish(Topics.CLASSIFICATIONS_SHADOW, List.of(ShadowFixtures.shadow("shadow-7", plate, "D07", settled,
                CHAMPION, List.of(GOLGI), List.of(CYTOSOL), 10, 10)), ShadowClassification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        Map<String, Object> item = item(get("/api/queue?plate=" + plate + "&limit=50").getList("$"), "shadow-7");
        assertThat(((Number) item.get("disagreementBonus")).doubleValue()).isZero();
        assertThat(item.get("disagreement")).isNull();
    }

    private static Map<String, Object> item(List<Map<String, Object>> items, String sampleId) {
        return items.stream().filter(i -> sampleId.equals(i.get("sampleId"))).findFirst()
                .orElseThrow(() -> new AssertionError(sampleId + " not in the queue: " + items));
    }
}
