package io.tunet.results;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.schemas.Classification;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;

/**
 * PostgreSQL stopped in the middle of a stream and started again: every record ends up stored, once, and none is
 * dead-lettered (an outage is not the records' fault, so it costs them no attempt).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class DatabaseOutageTest {

    private static final String PLATE = "PLATE-OUTAGE";
    private static final int BEFORE = 20;
    private static final int DURING = 30;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldLoseNothingWhenTheDatabaseStopsAndComesBack() throws Exception {
        publish(0, BEFORE);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        long deadLetters = Sink.records(Topics.RESULTS_DLQ);

        EmbeddedPostgresTestResource.stopDatabase();
        try {
            publish(BEFORE, BEFORE + DURING);
            awaitReadiness(503, Duration.ofSeconds(30));
        } finally {
            EmbeddedPostgresTestResource.restartDatabase();
        }
        awaitReadiness(200, Duration.ofSeconds(30));
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        int total = BEFORE + DURING;
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM predictions WHERE plate = ?", PLATE)).isEqualTo(total);
        assertThat(Sink.count(dataSource, "SELECT count(DISTINCT sample_id) FROM predictions WHERE plate = ?", PLATE))
                .isEqualTo(total);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM masks WHERE sample_id LIKE 'outage-%'")).isEqualTo(total);
        assertThat(Sink.records(Topics.RESULTS_DLQ)).isEqualTo(deadLetters);
    }

    private static void publish(int from, int to) {
        List<Classification> classifications = IntStream.range(from, to)
                .mapToObj(i -> Fixtures.classification("outage-" + i, PLATE, "C" + String.format("%02d", 1 + i % 12),
                        1, i % 28, 0.9f, List.of(i % 28)))
                .toList();
        List<SegmentationMask> masks = IntStream.range(from, to)
                .mapToObj(i -> Fixtures.masks("outage-" + i, 1, List.of(i % 28)))
                .toList();
        Sink.publish(Topics.CLASSIFICATIONS, classifications, Classification::getSampleId);
        Sink.publish(Topics.MASKS, masks, SegmentationMask::getSampleId);
    }

    private static void awaitReadiness(int status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = given().when().get("/q/health/ready").statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("readiness stayed " + last + ", expected " + status + " within " + timeout);
    }
}
