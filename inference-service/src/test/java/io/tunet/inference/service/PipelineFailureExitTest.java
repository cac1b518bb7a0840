package io.tunet.inference.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A publish the broker refuses stops the pipeline, and the service asks to exit with a failure status, so that
 * a supervisor restarts it; the sample's offset stays uncommitted for the next process. The refusal comes from
 * an operator's client property ({@code inference.kafka.properties.max.request.size}), which so also shows
 * that those reach the producer.
 */
@QuarkusTest
@TestProfile(PipelineFailureExitTest.PublishRefused.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(ExportedModelResource.class)
class PipelineFailureExitTest {

    /** Requests of at most 100 bytes: no classification fits. */
    public static class PublishRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("inference.kafka.properties.max.request.size", "100");
        }
    }

    @Inject
    RecordingExit exit;

    @Inject
    InferenceConfig config;

    @Test
    void shouldAskToExitWithAFailureStatusWhenPublishingFailsAndLeaveTheSampleUncommitted() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (given().get("/q/health/ready").statusCode() != 200) {
            assertThat(System.nanoTime()).as("service never became ready").isLessThan(deadline);
            Thread.sleep(100);
        }
        TestBroker broker = TestBroker.shared();
        Map<TopicPartition, OffsetAndMetadata> before = committed(broker);
        String id = "exit-" + UUID.randomUUID();

        Broker.send(broker, Topics.SAMPLES, Map.of(id, TestSamples.inline(id, 1)));

        while (exit.statuses().isEmpty()) {
            assertThat(System.nanoTime()).as("no exit was requested").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(exit.statuses()).containsExactly(InferenceService.EXIT_PIPELINE_FAILED);
        given().get("/q/health/live").then().statusCode(503).body(containsString("RecordTooLargeException"));
        Thread.sleep(1000); // longer than the test profile's commit interval: a commit would have happened by now
        assertThat(committed(broker)).isEqualTo(before);
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(TestBroker broker) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.listConsumerGroupOffsets(config.kafka().groupId()).partitionsToOffsetAndMetadata().get();
        }
    }
}
