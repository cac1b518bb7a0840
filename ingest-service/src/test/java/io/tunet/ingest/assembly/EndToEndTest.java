package io.tunet.ingest.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.ingest.Fixtures;
import io.tunet.ingest.Fixtures.TestConfig;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Image;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/**
 * The topology in a real Kafka Streams instance against the real broker: a stream of synthetic fields in
 * shuffled stain order, and one real full-size HPA field whose 2048² stains exceed the claim-check threshold.
 */
@WithKafka
class EndToEndTest {

    private static final String REAL_FIELD = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
    private static final Map<Stain, String> SUFFIX = Map.of(Stain.RED_MICROTUBULES, "red",
            Stain.GREEN_PROTEIN, "green", Stain.BLUE_NUCLEUS, "blue", Stain.YELLOW_ER, "yellow");

    @TempDir
    Path temp;

    @Test
    void shouldAssembleSyntheticFieldsAndARealFullSizeFieldWhoseImagesDecodeToTheOriginalPixels(TestBroker broker)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        TestConfig config = TestConfig.defaults(temp.resolve("blobs"));
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(config.blobRoot());
        Map<String, Map<Stain, byte[]>> published = new HashMap<>();
        List<Acquisition> stream = new ArrayList<>();

        for (int i = 0; i < 12; i++) {
            String id = "e2e-" + run + "-synthetic-" + i;
            for (Stain stain : PartialSample.REQUIRED) {
                byte[] png = Fixtures.png(512, 512, 31L * i + stain.ordinal(), 6);
                published.computeIfAbsent(id, k -> new HashMap<>()).put(stain, png);
                stream.add(Fixtures.acquisition(id, stain, Fixtures.inline(png, 512, 512)));
            }
        }
        String real = "e2e-" + run + "-" + REAL_FIELD;
        for (Stain stain : PartialSample.REQUIRED) {
            byte[] png = Files.readAllBytes(Fixtures.sharedDir()
                    .resolve("data/hpa/full-size/" + REAL_FIELD + "_" + SUFFIX.get(stain) + ".png"));
            assertThat(png.length).as("the real stains exercise the claim check")
                    .isGreaterThan(config.claimCheckThreshold());
            published.computeIfAbsent(real, k -> new HashMap<>()).put(stain, png);
            stream.add(Fixtures.acquisition(real, stain, Fixtures.inline(png, 2048, 2048)));
        }
        Collections.shuffle(stream, new Random(7));

        KafkaStreams streams = new KafkaStreams(AssemblyTopology.build(config, new SimpleMeterRegistry()),
                IngestProcess.streamsProperties(broker.bootstrapServers(), "ingest-e2e-" + run,
                        temp.resolve("state")));
        streams.start();
        try {
            try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
                for (Acquisition acquisition : stream) {
                    producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), acquisition.getSampleId(),
                            acquisition));
                }
                producer.flush();
            }
            List<ConsumerRecord<String, Sample>> samples = broker.readKeys(Topics.SAMPLES, published.keySet(),
                    published.size(), Duration.ofSeconds(90));

            assertThat(samples).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(published.keySet());
            for (ConsumerRecord<String, Sample> record : samples) {
                Sample sample = record.value();
                Map<Stain, Image> images = Map.of(Stain.RED_MICROTUBULES, sample.getRed(),
                        Stain.GREEN_PROTEIN, sample.getGreen(), Stain.BLUE_NUCLEUS, sample.getBlue(),
                        Stain.YELLOW_ER, sample.getYellow());
                for (Stain stain : PartialSample.REQUIRED) {
                    byte[] original = published.get(record.key()).get(stain);
                    Image image = images.get(stain);
                    byte[] delivered;
                    if (record.key().equals(real)) {
                        assertThat(image.getContent()).as("full-size stain is claim-checked")
                                .isInstanceOf(BlobRef.class);
                        delivered = blobs.get((BlobRef) image.getContent());
                        assertSamePixels(delivered, original);
                    } else {
                        assertThat(image.getContent()).isInstanceOf(ByteBuffer.class);
                        delivered = StainInspector.toArray((ByteBuffer) image.getContent());
                    }
                    assertThat(delivered).isEqualTo(original);
                }
            }
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }

    private static void assertSamePixels(byte[] delivered, byte[] original) throws Exception {
        GrayImage got = ImageCodec.decode(delivered, DecodeLimits.defaults());
        GrayImage want = ImageCodec.decode(original, DecodeLimits.defaults());
        assertThat(got.width()).isEqualTo(2048);
        assertThat(got.pixels()).isEqualTo(want.pixels());
    }
}
