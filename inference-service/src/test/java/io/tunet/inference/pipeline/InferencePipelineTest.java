package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.DecodeLimits;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.Pipelines;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ClassMask;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline end to end against a real broker and real ONNX Runtime. */
@WithKafka
class InferencePipelineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(1);

    @TempDir
    static Path models;

    private static Path v1File;
    private static Path v2File;

    @TempDir
    Path dir;

    private LocalDirectoryBlobStore blobs;
    private String prefix;

    @BeforeAll
    static void exportModels() {
        v1File = TestModels.export(models, 11, TestModels.SIZE, "1");
        v2File = TestModels.export(models, 12, TestModels.SIZE, "2");
    }

    @BeforeEach
    void setUp() throws Exception {
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        prefix = "t-" + UUID.randomUUID() + "-";
    }

    @Test
    void shouldPublishExactlyOneClassificationAndMaskPerSampleEqualToTheModelsAnswer(TestBroker broker)
            throws Exception {
        int n = 40;
        String group = Broker.groupAtEndOfSamples(broker);
        // Tight bounds: 40 samples must squeeze through 6 in flight and a queue of 2.
        PipelineSettings settings = Pipelines.settings(broker.bootstrapServers(), group).withThreads(1, 1, 6, 2);
        Map<String, Sample> samples = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + i;
            samples.put(id, i % 2 == 0 ? TestSamples.inline(id, i) : TestSamples.claimChecked(id, i, blobs));
        }
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        try (Pipelines service = new Pipelines(settings, blobs, "tunet", false)) {
            service.registry.loadFile(v1File, OptionalLong.of(1));
            service.start();
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    maxInFlight.accumulateAndGet(service.pipeline.inFlight(), Math::max);
                    Thread.onSpinWait();
                }
            });
            watcher.start();
            Broker.send(broker, Topics.SAMPLES, samples);

            List<ConsumerRecord<String, Classification>> classifications = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), n, TIMEOUT, SETTLE);
            List<ConsumerRecord<String, SegmentationMask>> masks = Broker.readUntilKeys(broker, Topics.MASKS,
                    r -> r.key().startsWith(prefix), n, TIMEOUT, SETTLE);
            await(() -> service.metrics.samplesDone() >= n);
            watching.set(false);
            watcher.join();

            assertThat(classifications).hasSize(n);
            assertThat(masks).hasSize(n);
            assertThat(classifications.stream().map(ConsumerRecord::key)).containsExactlyInAnyOrderElementsOf(samples.keySet());
            assertThat(maxInFlight.get()).isBetween(1, 6);

            Map<String, SegmentationMask> masksById = masks.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
            SampleDecoder decoder = new SampleDecoder(blobs, DecodeLimits.defaults());
            try (OnnxTunet direct = OnnxTunet.load(v1File); OnnxTunet.Session session = direct.newSession()) {
                for (ConsumerRecord<String, Classification> record : classifications) {
                    Classification c = record.value();
                    float[] expected = session.predict(new float[][] {
                        decoder.tensor(samples.get(record.key()), TestModels.SIZE)}).probabilities()[0];
                    assertThat(c.getModelVersion()).isEqualTo(1);
                    assertThat(c.getProbabilities()).hasSize(28);
                    for (int k = 0; k < 28; k++) {
                        assertThat(c.getProbabilities().get(k)).isCloseTo(expected[k], org.assertj.core.data.Offset.offset(1e-5f));
                    }
                    List<Integer> aboveThreshold = new ArrayList<>();
                    for (int k = 0; k < 28; k++) {
                        if (c.getProbabilities().get(k) >= 0.5f) {
                            aboveThreshold.add(k);
                        }
                    }
                    assertThat(c.getPredictedLabels()).isEqualTo(aboveThreshold);
                    SegmentationMask mask = masksById.get(record.key());
                    assertThat(mask.getModelVersion()).isEqualTo(1);
                    assertThat(mask.getWidth()).isEqualTo(TestModels.SIZE);
                    assertThat(mask.getMasks()).extracting(ClassMask::getClassIndex).isEqualTo(c.getPredictedLabels());
                }
            }
        }
        assertThat(Broker.committedOnSamples(broker, group)).isEqualTo(Broker.endOfSamples(broker));
    }

    @Test
    void shouldDeadLetterBadSamplesAndKeepClassifying(TestBroker broker) throws Exception {
        String group = Broker.groupAtEndOfSamples(broker);
        Sample missing = TestSamples.claimChecked(prefix + "missing", 1, blobs);
        blobs.delete((BlobRef) missing.getRed().getContent());
        Sample tampered = TestSamples.claimChecked(prefix + "tampered", 2, blobs);
        BlobRef ref = (BlobRef) tampered.getYellow().getContent();
        Path stored = blobs.root().resolve("sha256").resolve(ref.getSha256().substring(0, 2)).resolve(ref.getSha256());
        byte[] bytes = Files.readAllBytes(stored);
        bytes[20] ^= 0x7f;
        Files.write(stored, bytes);
        byte[] garbage = new byte[64];
        new Random(3).nextBytes(garbage);

        try (Pipelines service = new Pipelines(Pipelines.settings(broker.bootstrapServers(), group), blobs, "tunet",
                false)) {
            service.registry.loadFile(v1File, OptionalLong.of(1));
            service.start();
            Broker.send(broker, Topics.SAMPLES, Map.of(prefix + "good-1", TestSamples.inline(prefix + "good-1", 1)));
            Broker.sendRaw(broker, Topics.SAMPLES.name(), prefix + "undecodable", garbage);
            Map<String, Sample> rest = new LinkedHashMap<>();
            rest.put(prefix + "missing", missing);
            rest.put(prefix + "tampered", tampered);
            rest.put(prefix + "good-2", TestSamples.inline(prefix + "good-2", 2));
            Broker.send(broker, Topics.SAMPLES, rest);

            List<ConsumerRecord<String, DeadLetter>> letters = Broker.readUntilKeys(broker, Topics.SAMPLES_DLQ,
                    r -> r.key() != null && r.key().startsWith(prefix), 3, TIMEOUT, SETTLE);
            List<ConsumerRecord<String, Classification>> classified = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), 2, TIMEOUT, SETTLE);

            Map<String, DeadLetter> byKey = letters.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
            assertThat(byKey).hasSize(3);
            assertThat(byKey.get(prefix + "undecodable").getReason()).isEqualTo(DeadLetterReason.UNDECODABLE_RECORD);
            assertThat(byKey.get(prefix + "undecodable").getPayload().array()).isEqualTo(garbage);
            assertThat(byKey.get(prefix + "missing").getReason()).isEqualTo(DeadLetterReason.BLOB_UNAVAILABLE);
            assertThat(byKey.get(prefix + "missing").getDetail()).contains("red stain");
            assertThat(byKey.get(prefix + "tampered").getReason()).isEqualTo(DeadLetterReason.BLOB_CHECKSUM_MISMATCH);
            assertThat(byKey.values()).allSatisfy(letter -> {
                assertThat(letter.getSourceTopic()).isEqualTo(Topics.SAMPLES.name());
                assertThat(letter.getService()).isEqualTo(InferencePipeline.SERVICE);
            });
            assertThat(classified.stream().map(ConsumerRecord::key))
                    .containsExactlyInAnyOrder(prefix + "good-1", prefix + "good-2");
            await(() -> service.metrics.deadLetters("BLOB_UNAVAILABLE") == 1
                    && service.metrics.deadLetters("UNDECODABLE_RECORD") == 1
                    && service.metrics.deadLetters("BLOB_CHECKSUM_MISMATCH") == 1);
            assertThat(service.pipeline.failure()).isEmpty();
        }
        assertThat(Broker.committedOnSamples(broker, group)).isEqualTo(Broker.endOfSamples(broker));
    }

    @Test
    void shouldHotSwapMidStreamWithoutLosingSamplesOrGoingBackAndRefuseACorruptVersion(TestBroker broker)
            throws Exception {
        String model = "swap-" + UUID.randomUUID();
        String group = Broker.groupAtEndOfSamples(broker);
        int n = 120;
        try (Pipelines service = new Pipelines(Pipelines.settings(broker.bootstrapServers(), group), blobs, model,
                true)) {
            service.start();
            assertThat(service.pipeline.ready()).isFalse(); // no model: consumes nothing
            publishModel(broker, TestModels.promoted(model, 1, TestModels.bytes(v1File), blobs, TestModels.SIZE));
            await(() -> service.pipeline.ready());

            Thread stream = new Thread(() -> {
                try (KafkaProducer<String, Sample> producer = broker.producer(Topics.SAMPLES)) {
                    for (int i = 0; i < n; i++) {
                        producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), prefix + i,
                                TestSamples.inline(prefix + i, i))).get();
                        if (i == n / 3) {
                            publishModel(broker, TestModels.promoted(model, 2, TestModels.bytes(v2File), blobs,
                                    TestModels.SIZE));
                        }
                        Thread.sleep(5);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            stream.start();
            stream.join();

            List<ConsumerRecord<String, Classification>> classifications = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), n, TIMEOUT, SETTLE);
            List<ConsumerRecord<String, SegmentationMask>> masks = Broker.readUntilKeys(broker, Topics.MASKS,
                    r -> r.key().startsWith(prefix), n, TIMEOUT, SETTLE);
            assertThat(classifications).hasSize(n);
            assertThat(masks).hasSize(n);
            assertThat(classifications.stream().map(ConsumerRecord::key).distinct()).hasSize(n);
            assertThat(classifications.stream().map(r -> r.value().getModelVersion()).distinct())
                    .containsExactlyInAnyOrder(1L, 2L);
            Map<Integer, List<Long>> versionsByPartition = new HashMap<>();
            classifications.stream()
                    .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                    .forEach(r -> versionsByPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                            .add(r.value().getModelVersion()));
            versionsByPartition.values().forEach(versions -> assertThat(versions).isSorted());
            Map<String, Long> maskVersions = masks.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, r -> r.value().getModelVersion()));
            classifications.forEach(r -> assertThat(maskVersions.get(r.key())).isEqualTo(r.value().getModelVersion()));

            byte[] corrupt = TestModels.bytes(v1File).clone();
            for (int i = corrupt.length / 3; i < corrupt.length / 3 + 64; i++) {
                corrupt[i] = (byte) 0xff;
            }
            publishModel(broker, TestModels.promoted(model, 3, corrupt, blobs, TestModels.SIZE));
            await(() -> service.metrics.modelsRefused() == 1);
            Map<String, Sample> after = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                after.put(prefix + "after-" + i, TestSamples.inline(prefix + "after-" + i, 1000 + i));
            }
            Broker.send(broker, Topics.SAMPLES, after);
            List<ConsumerRecord<String, Classification>> later = Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS,
                    r -> r.key().startsWith(prefix + "after-"), 10, TIMEOUT, SETTLE);
            assertThat(later).hasSize(10).allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(2));
            assertThat(service.registry.current().orElseThrow().version()).isEqualTo(2);
        }
    }

    @Test
    void shouldStartWithTheNewestPromotedVersionThatPassesItsChecks(TestBroker broker) throws Exception {
        String model = "restart-" + UUID.randomUUID();
        publishModel(broker, TestModels.promoted(model, 1, TestModels.bytes(v1File), blobs, TestModels.SIZE));
        publishModel(broker, TestModels.promoted(model, 2, TestModels.bytes(v2File), blobs, TestModels.SIZE));
        byte[] garbage = new byte[2048];
        new Random(9).nextBytes(garbage);
        publishModel(broker, TestModels.promoted(model, 3, garbage, blobs, TestModels.SIZE));
        try (Pipelines service = new Pipelines(Pipelines.settings(broker.bootstrapServers(),
                Broker.groupAtEndOfSamples(broker)), blobs, model, true)) {
            service.start();
            await(() -> service.pipeline.ready());
            assertThat(service.registry.current().orElseThrow().version()).isEqualTo(2);
            assertThat(service.metrics.modelsRefused()).isEqualTo(1);
        }
    }

    private static void publishModel(TestBroker broker, ModelVersion version) throws Exception {
        Broker.send(broker, Topics.MODELS, Map.of(Topics.modelKey(version.getModelName(), version.getVersion()), version));
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within " + TIMEOUT).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
