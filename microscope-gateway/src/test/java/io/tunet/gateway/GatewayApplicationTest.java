package io.tunet.gateway;

import static io.restassured.RestAssured.given;
import static io.tunet.gateway.StainFiles.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;

/** The packaged wiring: configuration, the gateway started at startup, health and Prometheus metrics. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
class GatewayApplicationTest {

    /** {@code %test.gateway.watch-dir} in application.properties, relative to the module. */
    private static final Path WATCH = Path.of("target/test-hot-folder");

    @Test
    void shouldPublishAFieldWrittenIntoTheConfiguredFolderAndReportIt() throws Exception {
        await(() -> given().get("/q/health/ready").statusCode() == 200, Duration.ofSeconds(30), "ready",
                () -> given().get("/q/health/ready").asString());
        String id = "app-" + UUID.randomUUID().toString().substring(0, 8);
        StainFiles.writeField(WATCH, id, 32);
        Files.write(WATCH.resolve(StainFiles.name(id + "-bad", Stain.RED_MICROTUBULES)),
                "not an image".getBytes(StandardCharsets.UTF_8));

        TestBroker broker = TestBroker.shared();
        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 4,
                Duration.ofSeconds(60));
        assertThat(records).hasSize(4);
        assertThat(records).allSatisfy(r -> assertThat(r.value().getPlate()).isEqualTo("HOTFOLDER"));
        List<ConsumerRecord<String, DeadLetter>> letters = broker.readKeys(Topics.ACQUISITIONS_DLQ,
                Set.of(id + "-bad"), 1, Duration.ofSeconds(30));
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.value().getReason()).isEqualTo(DeadLetterReason.UNSUPPORTED_IMAGE);
            assertThat(l.value().getService()).isEqualTo("microscope-gateway");
        });

        await(() -> metric("gateway_files_published_total") >= 4 && metric(
                        "gateway_files_failed_total{reason=\"UNSUPPORTED_IMAGE\"}") >= 1, Duration.ofSeconds(20),
                "published and failed files counted", () -> given().get("/q/metrics").asString().lines()
                        .filter(l -> l.startsWith("gateway_")).toList());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("gateway_files_seen_total", "gateway_files_incomplete",
                "gateway_publish_seconds_count", "gateway_files_vanished_total",
                "gateway_files_failed_total{reason=\"UNREADABLE_IMAGE\"} 0.0");
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void shouldNotBeReadyWhileTheFolderIsGone() throws Exception {
        Path away = Path.of("target/test-hot-folder-away");
        await(() -> given().get("/q/health/ready").statusCode() == 200, Duration.ofSeconds(30), "ready",
                () -> given().get("/q/health/ready").asString());
        Files.move(WATCH, away);
        try {
            await(() -> given().get("/q/health/ready").statusCode() == 503, Duration.ofSeconds(30), "not ready",
                    () -> given().get("/q/health/ready").asString());
            assertThat(given().get("/q/health/ready").asString()).contains("cannot be listed or written");
        } finally {
            Files.move(away, WATCH);
        }
        await(() -> given().get("/q/health/ready").statusCode() == 200, Duration.ofSeconds(30), "ready again",
                () -> given().get("/q/health/ready").asString());
    }

    private static double metric(String line) {
        return given().get("/q/metrics").asString().lines().filter(l -> l.startsWith(line + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
