package io.tunet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;

@WithKafka
class TestBrokerTest {

    @Test
    void shouldCarryAnAcquisitionThroughARealBrokerWithTheProjectSerde(TestBroker broker) throws Exception {
        String sampleId = "P1-A01-" + UUID.randomUUID();
        byte[] pixels = new byte[300_000];
        new java.util.Random(7).nextBytes(pixels);
        Acquisition sent = Acquisition.newBuilder()
                .setAcquisitionId(UUID.randomUUID().toString()).setSampleId(sampleId).setPlate("P1").setWell("A01")
                .setField(1).setStain(Stain.BLUE_NUCLEUS)
                .setImage(Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(512).setHeight(512).setBitDepth(8)
                        .setContent(ByteBuffer.wrap(pixels)).build())
                .setInstrumentId("scope-1").setAcquiredAt(Instant.ofEpochMilli(1_764_000_000_000L))
                .setMetadata(Map.of("objective", "63x")).build();

        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), sampleId, sent)).get();
        }
        List<ConsumerRecord<String, Acquisition>> read =
                broker.readKeys(Topics.ACQUISITIONS, Set.of(sampleId), 1, Duration.ofSeconds(30));

        assertThat(read).hasSize(1);
        assertThat(read.get(0).value()).isEqualTo(sent);
    }

    @Test
    void shouldHaveCreatedEveryCatalogueTopicWithItsConfig(TestBroker broker) throws Exception {
        try (Admin admin = broker.admin()) {
            Set<String> names = admin.listTopics().names().get();
            for (Topic<?, ?> topic : Topics.all()) {
                assertThat(names).contains(topic.name());
                assertThat(broker.partitions(topic.name())).as(topic.name()).isEqualTo(topic.partitions());
            }
            ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODELS.name());
            Config config = admin.describeConfigs(List.of(models)).all().get().get(models);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void shouldGiveEveryCallerTheSameBroker() {
        assertThat(TestBroker.shared()).isSameAs(TestBroker.shared());
        assertThat(TestBroker.shared().bootstrapServers()).isNotBlank();
    }
}
