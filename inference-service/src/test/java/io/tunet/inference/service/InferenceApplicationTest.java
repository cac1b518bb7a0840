package io.tunet.inference.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.schemas.Classification;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The wired application: model from a file, samples from the broker, health, REST and metrics. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(ExportedModelResource.class)
class InferenceApplicationTest {

    @Test
    void shouldServeTheModelGivenByPathAndClassifySamples() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (given().get("/q/health/ready").statusCode() != 200) {
            assertThat(System.nanoTime()).as("service never became ready").isLessThan(deadline);
            Thread.sleep(100);
        }
        given().get("/model").then().statusCode(200)
                .body("version", equalTo(1))
                .body("inputSize", equalTo(TestModels.SIZE))
                .body("device", equalTo("cpu()"))
                .body("requestedDevice", equalTo("cpu()"))
                .body("deviceFallback", equalTo(false))
                .body("nodesPerProvider.keySet()", contains("CPUExecutionProvider"))
                .body("nodesPerProvider.CPUExecutionProvider", greaterThan(0))
                .body("thresholds.size()", equalTo(28))
                .body("shadowFraction", equalTo(0.0f))
                .body("shadow", nullValue());

        String prefix = "app-" + UUID.randomUUID() + "-";
        Map<String, Sample> samples = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            samples.put(prefix + i, TestSamples.inline(prefix + i, i));
        }
        TestBroker broker = TestBroker.shared();
        Broker.send(broker, Topics.SAMPLES, samples);
        List<ConsumerRecord<String, Classification>> classifications = Broker.readUntilKeys(broker,
                Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), 5, Duration.ofSeconds(60), Duration.ZERO);

        assertThat(classifications).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(samples.keySet());
        assertThat(classifications).allSatisfy(r -> assertThat(r.value().getDevice()).isEqualTo("cpu()"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("inference_samples_total"))
                .body(containsString("inference_samples_isolated_total 0.0"))
                .body(containsString("inference_model_version 1.0"))
                .body(containsString("inference_stage_seconds_bucket{stage=\"infer\""))
                .body(containsString("inference_batch_size_count"))
                .body(containsString("inference_device_info{device=\"cpu()\",providers=\"CPUExecutionProvider\","
                        + "requested=\"cpu()\"} 1.0"))
                .body(containsString("inference_device_nodes{provider=\"CPUExecutionProvider\"}"))
                .body(containsString("inference_device_fallback 0.0"))
                .body(containsString("inference_device_fallbacks_total 0.0"))
                .body(containsString("inference_shadow_model_version 0.0"))
                .body(containsString("inference_shadow_samples_total 0.0"))
                .body(containsString("inference_shadow_failures_total 0.0"))
                .body(containsString("inference_shadow_model_seconds_count 0"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
