package io.tunet.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.metrics.InferenceMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower against the real broker: a version retired after its promotion stops serving, live and on restart. */
@WithKafka
class ModelVersionFollowerTest {

    @TempDir
    Path dir;

    @Test
    void shouldRollBackWhenTheServingVersionIsRetiredAndNotServeItAfterARestart(TestBroker broker) throws Exception {
        String name = "follow-" + UUID.randomUUID().toString().substring(0, 8);
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        ModelVersion first = TestModels.promoted(name, 1, TestModels.bytes(TestModels.export(dir, 1, TestModels.SIZE, "1")),
                blobs, TestModels.SIZE);
        ModelVersion second = TestModels.promoted(name, 2, TestModels.bytes(TestModels.export(dir, 2, TestModels.SIZE,
                "2")), blobs, TestModels.SIZE);
        try (KafkaProducer<String, ModelVersion> producer = broker.producer(Topics.MODELS)) {
            send(producer, first);
            send(producer, second);
        }

        try (ModelRegistry registry = registry(name, blobs);
                ModelVersionFollower follower = new ModelVersionFollower(registry, broker.clientProperties())) {
            follower.start();
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
            assertThat(registry.current().orElseThrow().version()).isEqualTo(2);

            try (KafkaProducer<String, ModelVersion> producer = broker.producer(Topics.MODELS)) {
                send(producer, ModelVersion.newBuilder(second).setStatus(ModelStatus.RETIRED).build());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (registry.current().orElseThrow().version() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(registry.current().orElseThrow().version()).as("rolled back live").isEqualTo(1);
        }

        try (ModelRegistry restarted = registry(name, blobs);
                ModelVersionFollower follower = new ModelVersionFollower(restarted, broker.clientProperties())) {
            follower.start();
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
            assertThat(restarted.current().orElseThrow().version()).as("a retired version is not served again")
                    .isEqualTo(1);
        }
    }

    private static ModelRegistry registry(String name, LocalDirectoryBlobStore blobs) {
        return new ModelRegistry(name, blobs, new ModelLoader(Devices.Selection.cpu(), 2),
                LoadMarkers.in(blobs.root().resolveSibling("markers")),
                new InferenceMetrics(new SimpleMeterRegistry()));
    }

    private static void send(KafkaProducer<String, ModelVersion> producer, ModelVersion version) throws Exception {
        producer.send(new ProducerRecord<>(Topics.MODELS.name(), Topics.modelKey(version.getModelName(),
                version.getVersion()), version)).get();
    }
}
