package io.tunet.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.ingest.assembly.PartialSample;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;

/** The wired application (config, Kafka Streams, REST, metrics) against the real test broker. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
class IngestApplicationTest {

    /** {@code %test.ingest.api.token} in application.properties. */
    static final String TOKEN = "ingest-api-token-for-tests";

    private final TestBroker broker = TestBroker.shared();

    @jakarta.inject.Inject
    jakarta.enterprise.inject.Instance<org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler> handlers;

    @Test
    void shouldHandTheExtensionAHandlerThatExitsWhenAStreamThreadDies() {
        // the Kafka Streams extension installs the beans of this type on the client it builds
        assertThat(handlers.isResolvable()).isTrue();
        assertThat(handlers.get()).isInstanceOf(StreamFailureExit.class);
    }

    @Test
    void shouldAssembleSamplesListPartialOnesAndCountEverythingOnTheMetricsEndpoint() throws Exception {
        String complete = "app-" + UUID.randomUUID();
        String partial = "app-" + UUID.randomUUID();
        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            for (Stain stain : PartialSample.REQUIRED) {
                producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), complete,
                        Fixtures.acquisition(complete, stain))).get();
            }
            producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), partial,
                    Fixtures.acquisition(partial, Stain.BLUE_NUCLEUS))).get();
        }
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(broker.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), "app-garbage", new byte[] {7, 7, 7})).get();
        }

        List<Sample> samples = broker.readKeys(Topics.SAMPLES, List.of(complete), 1, Duration.ofSeconds(90))
                .stream().map(r -> r.value()).toList();
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0).getSourceAcquisitionIds()).hasSize(4);
        List<DeadLetter> letters = broker.readKeys(Topics.ACQUISITIONS_DLQ, List.of("app-garbage"), 1,
                Duration.ofSeconds(30)).stream().map(r -> r.value()).toList();
        assertThat(letters).extracting(DeadLetter::getReason).extracting(Enum::name)
                .containsExactly("UNDECODABLE_RECORD");

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TOKEN).get("/partial-samples?olderThanSeconds=0").then().statusCode(200)
                        .body(containsString(partial)).body(containsString("\"stainsMissing\"")));
        given().auth().oauth2(TOKEN).get("/partial-samples?olderThanSeconds=3600").then().statusCode(200)
                .body(org.hamcrest.Matchers.not(containsString(partial)));
        given().auth().oauth2(TOKEN).get("/partial-samples?olderThanSeconds=-1").then().statusCode(400);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metric(metrics, "ingest_samples_assembled_total")).isGreaterThanOrEqualTo(1.0);
        assertThat(metric(metrics, "ingest_acquisitions_received_total")).isGreaterThanOrEqualTo(6.0);
        assertThat(metric(metrics, "ingest_dead_letters_total{reason=\"UNDECODABLE_RECORD\"")).isGreaterThanOrEqualTo(1.0);
        assertThat(metric(metrics, "ingest_partial_samples_open")).isGreaterThanOrEqualTo(1.0);
        assertThat(metrics).contains("ingest_sample_assembly_seconds_count");

        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void shouldAnswer401ToPartialSamplesWithoutTheToken() {
        given().get("/partial-samples").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body(containsString("ingest.api.token"));
        given().auth().oauth2(TOKEN + "x").get("/partial-samples").then().statusCode(401);
        given().auth().oauth2(TOKEN.substring(1)).get("/partial-samples").then().statusCode(401);
        given().header("Authorization", "Basic " + TOKEN).get("/partial-samples").then().statusCode(401);
        given().queryParam("access_token", TOKEN).get("/partial-samples").then().statusCode(401);
        given().auth().oauth2(TOKEN).get("/partial-samples").then().statusCode(200);
    }

    /** The value of the first Prometheus sample line starting with {@code prefix}. */
    private static double metric(String exposition, String prefix) {
        return exposition.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no metric " + prefix + " in /q/metrics"));
    }

}
