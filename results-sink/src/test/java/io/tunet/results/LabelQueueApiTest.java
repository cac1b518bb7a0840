package io.tunet.results;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.tunet.schemas.Classification;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;

/** {@code GET /api/queue}: unlabelled samples, the most informative first, with the reason. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class LabelQueueApiTest {

    private static final String PLATE = "PLATE-QUEUE";
    private static final String FILLER_PLATE = "PLATE-QUEUE-FILL";
    private static final String VIEWER = "Bearer " + EmbeddedPostgresTestResource.VIEWER_TOKEN;
    private static final String CURATOR = "Bearer " + EmbeddedPostgresTestResource.CURATOR_TOKEN;
    private static final int GOLGI = 7;
    private static final int RODS_AND_RINGS = 27;

    private static boolean labelled;

    @BeforeAll
    static void publishResults() throws Exception {
        List<Classification> results = new ArrayList<>();
        // Golgi exactly on its threshold: as uncertain as a field can be
        results.add(crafted("queue-on-threshold", 1, GOLGI, 0.33f, 0.33f, List.of(GOLGI)));
        // confident: Nucleoplasm far above its threshold, every other class at 0
        results.add(crafted("queue-confident", 1, 0, 0.99f, 0.4f, List.of(0)));
        // on its threshold too, but a curator labels it below: never in the queue
        results.add(crafted("queue-labelled", 1, GOLGI, 0.4f, 0.4f, List.of(GOLGI)));
        // version 1 on the threshold, version 2 (the latest) confident: ranked by version 2
        results.add(crafted("queue-latest", 1, GOLGI, 0.4f, 0.4f, List.of(GOLGI)));
        results.add(crafted("queue-latest", 2, 0, 0.99f, 0.4f, List.of(0)));
        // nothing reaches its threshold: the model abstains
        results.add(crafted("queue-abstains", 1, 3, 0.1f, 0.4f, List.of()));
        // the only field predicting Rods & rings, among at least 26: a rare class
        results.add(crafted("queue-rare", 1, RODS_AND_RINGS, 0.95f, 0.4f, List.of(RODS_AND_RINGS)));
        for (int i = 0; i < 20; i++) {
            results.add(Classification.newBuilder(crafted("queue-fill-" + i, 1, 0, 0.9f, 0.4f, List.of(0)))
                    .setPlate(FILLER_PLATE).build());
        }
        Sink.publish(Topics.CLASSIFICATIONS, results, Classification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
    }

    /** Once, before the first test: RestAssured knows the application's port only from then on. */
    @BeforeEach
    void labelOneSample() throws Exception {
        if (labelled) {
            return;
        }
        labelled = true;
        given().header("Authorization", CURATOR).contentType(ContentType.JSON)
                .body(Map.of("labels", List.of(GOLGI), "curator", "queue-test"))
                .when().post("/api/samples/queue-labelled/labels").then().statusCode(202);
        // the label reaches the feedback table through the feedback topic, as in production
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
    }

    /** Every class at 0 but {@code top} at {@code p}; every threshold {@code t}. */
    private static Classification crafted(String sampleId, long version, int top, float p, float t,
                                          List<Integer> labels) {
        List<Float> probabilities = new ArrayList<>(Collections.nCopies(28, 0f));
        probabilities.set(top, p);
        return Classification.newBuilder(Fixtures.classification(sampleId, PLATE, "C0" + (1 + sampleId.length() % 9),
                        version, top, p, labels))
                .setProbabilities(probabilities).setThresholds(new ArrayList<>(Collections.nCopies(28, t))).build();
    }

    private static JsonPath queue(String query) {
        return given().header("Authorization", VIEWER).when().get("/api/queue" + query)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void shouldRankASampleOnItsThresholdFirstAndAConfidentOneBelowIt() {
        List<String> ids = queue("?plate=" + PLATE + "&limit=50").getList("sampleId");
        assertThat(ids.get(0)).isEqualTo("queue-on-threshold");
        assertThat(ids).contains("queue-confident", "queue-abstains", "queue-rare", "queue-latest")
                .doesNotContain("queue-fill-0");
        assertThat(ids.indexOf("queue-on-threshold")).isLessThan(ids.indexOf("queue-confident"));
        assertThat(ids.indexOf("queue-abstains")).isLessThan(ids.indexOf("queue-confident"));
    }

    @Test
    void shouldLeaveOutSamplesACuratorHasLabelled() {
        assertThat(queue("?plate=" + PLATE + "&limit=500").getList("sampleId", String.class))
                .doesNotContain("queue-labelled");
        assertThat(queue("?limit=500").getList("sampleId", String.class)).doesNotContain("queue-labelled");
    }

    @Test
    void shouldScoreTheLatestClassificationOfASample() {
        JsonPath body = queue("?plate=" + PLATE + "&limit=50");
        Map<String, Object> latest = item(body, "queue-latest");
        assertThat(((Number) latest.get("modelVersion")).longValue()).isEqualTo(2);
        assertThat(((Number) latest.get("score")).doubleValue()).isLessThan(1.0);
        assertThat(((Number) item(body, "queue-on-threshold").get("score")).doubleValue())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void shouldGiveTheReasonInWordsAndData() {
        JsonPath body = queue("?plate=" + PLATE + "&limit=50");
        Map<String, Object> top = body.getMap("[0]");
        assertThat((String) top.get("reason")).startsWith("Golgi apparatus at 0.33 against threshold 0.33");
        assertThat(body.getDouble("[0].uncertainty")).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(body.getInt("[0].closest.classIndex")).isEqualTo(GOLGI);
        assertThat(body.getDouble("[0].closest.threshold")).isEqualTo(0.33, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(body.getString("[0].plate")).isEqualTo(PLATE);
        assertThat(body.getString("[0].well")).startsWith("C0");

        Map<String, Object> abstains = item(body, "queue-abstains");
        assertThat(abstains.get("abstains")).isEqualTo(true);
        assertThat(((Number) abstains.get("abstainBonus")).doubleValue()).isEqualTo(0.25);
        assertThat((String) abstains.get("reason")).isEqualTo(
                "Nucleoli fibrillar center at 0.10 against threshold 0.40; no class reaches its threshold (the model abstains)");

        Map<String, Object> rare = item(body, "queue-rare");
        @SuppressWarnings("unchecked")
        Map<String, Object> rareClass = (Map<String, Object>) rare.get("rareClass");
        assertThat(rareClass.get("className")).isEqualTo("Rods & rings");
        double share = ((Number) rareClass.get("share")).doubleValue();
        assertThat(share).isGreaterThan(0).isLessThan(0.05);
        assertThat(((Number) rare.get("rarityBonus")).doubleValue()).isGreaterThan(0);
        assertThat((String) rare.get("reason")).endsWith(String.format(Locale.ROOT,
                "; predicts a rare class: Rods & rings (%.1f%% of fields)", 100 * share));
        assertThat(item(body, "queue-confident").get("rareClass")).isNull();
    }

    @Test
    void shouldAnswer400ForABadLimitOrAnUnknownPlate() {
        for (String limit : List.of("0", "-1", "501")) {
            given().header("Authorization", VIEWER).when().get("/api/queue?limit=" + limit)
                    .then().statusCode(400).body("error", equalTo("limit must be 1..500, was " + limit));
        }
        given().header("Authorization", VIEWER).when().get("/api/queue?plate=NO-SUCH-PLATE")
                .then().statusCode(400).body("error", equalTo("plate 'NO-SUCH-PLATE' has no stored results"));
    }

    @Test
    void shouldNeedAToken() {
        given().when().get("/api/queue").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-token").when().get("/api/queue").then().statusCode(401);
        given().header("Authorization", CURATOR).when().get("/api/queue?limit=1").then().statusCode(200);
    }

    private static Map<String, Object> item(JsonPath body, String sampleId) {
        List<Map<String, Object>> items = body.getList("$");
        return items.stream().filter(i -> sampleId.equals(i.get("sampleId"))).findFirst()
                .orElseThrow(() -> new AssertionError(sampleId + " not in the queue: " + items));
    }
}
