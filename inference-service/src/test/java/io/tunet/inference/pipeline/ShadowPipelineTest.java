package io.tunet.inference.pipeline;

import static io.tunet.inference.pipeline.InferencePipelineTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.imaging.DecodeLimits;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.Pipelines;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.inference.model.ServingModel;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Classification;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.ShadowClassification;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow models (issue #19 §3) end to end against the real broker and real ONNX Runtime: which version is shadowed,
 * what lands on {@code classifications-shadow}, and that the served results never change because of a shadow.
 */
@WithKafka
class ShadowPipelineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(1);
    /** Long enough for a shadow record sent with an acknowledged classification to be readable too. */
    private static final Duration NONE_EXPECTED = Duration.ofSeconds(3);

    @TempDir
    static Path models;

    private static Path championFile;
    private static Path candidateFile;
    private static Path throwingFile;

    @TempDir
    Path dir;

    private CountingBlobs blobs;
    private String prefix;
    private String model;

    @BeforeAll
    static void exportModels() {
        championFile = TestModels.export(models, 11, TestModels.SIZE, "1");
        candidateFile = TestModels.export(models, 12, TestModels.SIZE, "2");
        // answers the warm-up's blank images, throws on every real one
        throwingFile = TestModels.failingOn(candidateFile, "ReduceMax", 1e6f, models.resolve("throwing.onnx"));
    }

    @BeforeEach
    void setUp() throws Exception {
        blobs = new CountingBlobs(new LocalDirectoryBlobStore(dir.resolve("blobs")));
        prefix = "shadow-" + UUID.randomUUID() + "-";
        model = "shadowed-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldShadowTheNewestCandidateNewerThanTheChampionOnItsFractionBesideUnchangedServedResults(
            TestBroker broker) throws Exception {
        byte[] neverLoaded = new byte[2048];
        new Random(5).nextBytes(neverLoaded);
        BlobRef neverLoadedRef = blobs.put(neverLoaded);
        publish(broker, version(2, ModelStatus.PROMOTED, blobs.put(TestModels.bytes(championFile)), 0.5f));
        // older than the champion
        publish(broker, version(1, ModelStatus.CANDIDATE, neverLoadedRef, 0.5f));
        // training's transaction: a candidate and its verdict, read together
        publishTogether(broker, version(3, ModelStatus.CANDIDATE, neverLoadedRef, 0.5f),
                version(3, ModelStatus.REJECTED, neverLoadedRef, 0.5f));
        String group = Broker.groupAtEndOfSamples(broker);
        PipelineSettings settings = Pipelines.settings(broker.bootstrapServers(), group).withShadowFraction(0.5);
        try (Pipelines service = new Pipelines(settings, blobs, model, true)) {
            service.start();
            await(() -> service.pipeline.ready());
            assertThat(service.registry.current().orElseThrow().version()).isEqualTo(2);
            assertThat(service.registry.shadow()).as("neither v1 (older) nor v3 (rejected) is shadowed").isEmpty();

            // live: again a candidate with its verdict, then one that stays a candidate
            publishTogether(broker, version(4, ModelStatus.CANDIDATE, neverLoadedRef, 0.5f),
                    version(4, ModelStatus.REJECTED, neverLoadedRef, 0.5f));
            publish(broker, version(5, ModelStatus.CANDIDATE, blobs.put(TestModels.bytes(candidateFile)), 0.45f));
            await(() -> service.registry.shadow().map(ServingModel::version).orElse(0L) == 5);
            assertThat(service.metrics.shadowVersion()).isEqualTo(5);
            assertThat(blobs.gets(neverLoadedRef)).as("v1, v3 and v4 were never fetched").isZero();
            assertThat(service.registry.current().orElseThrow().version()).isEqualTo(2);

            int n = 24;
            Map<String, Sample> samples = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                samples.put(prefix + i, TestSamples.inline(prefix + i, i));
            }
            Set<String> picked = samples.keySet().stream().filter(id -> ShadowSampling.picks(id, 0.5))
                    .collect(Collectors.toSet());
            assertThat(picked).as("the ids are random; 24 at one half all or none picked is 2 in 16 million")
                    .isNotEmpty().hasSizeLessThan(n);
            Broker.send(broker, Topics.SAMPLES, samples);

            List<ConsumerRecord<String, Classification>> classifications = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), n, TIMEOUT, SETTLE);
            List<ConsumerRecord<String, SegmentationMask>> masks = Broker.readUntilKeys(broker, Topics.MASKS,
                    r -> r.key().startsWith(prefix), n, TIMEOUT, SETTLE);
            List<ConsumerRecord<String, ShadowClassification>> shadowed = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS_SHADOW, r -> r.key().startsWith(prefix), picked.size(), TIMEOUT, SETTLE);

            assertThat(classifications).hasSize(n);
            assertThat(masks).hasSize(n).allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(2));
            assertThat(shadowed.stream().map(ConsumerRecord::key)).containsExactlyInAnyOrderElementsOf(picked);
            Map<String, Classification> served = classifications.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
            SampleDecoder decoder = new SampleDecoder(blobs, DecodeLimits.defaults());
            try (OnnxTunet champion = OnnxTunet.load(championFile); OnnxTunet.Session championSession =
                    champion.newSession(); OnnxTunet candidate = OnnxTunet.load(candidateFile);
                    OnnxTunet.Session candidateSession = candidate.newSession()) {
                for (Map.Entry<String, Classification> entry : served.entrySet()) {
                    Classification c = entry.getValue();
                    float[][] tensor = {decoder.tensor(samples.get(entry.getKey()), TestModels.SIZE)};
                    assertThat(c.getModelVersion()).isEqualTo(2);
                    assertCloseTo(c.getProbabilities(), championSession.predict(tensor).probabilities()[0]);
                }
                for (ConsumerRecord<String, ShadowClassification> record : shadowed) {
                    ShadowClassification s = record.value();
                    Sample sample = samples.get(record.key());
                    float[] expected = candidateSession.predict(new float[][] {
                        decoder.tensor(sample, TestModels.SIZE)}).probabilities()[0];
                    assertThat(s.getSampleId()).isEqualTo(record.key());
                    assertThat(s.getPlate()).isEqualTo(sample.getPlate());
                    assertThat(s.getWell()).isEqualTo(sample.getWell());
                    assertThat(s.getField()).isEqualTo(sample.getField());
                    assertThat(s.getModelName()).isEqualTo(model);
                    assertThat(s.getShadowVersion()).isEqualTo(5);
                    assertCloseTo(s.getProbabilities(), expected);
                    assertThat(s.getThresholds()).hasSize(28).containsOnly(0.45f);
                    assertThat(s.getPredictedLabels()).isEqualTo(labels(s.getProbabilities(), 0.45f));
                    assertThat(s.getChampionVersion()).isEqualTo(2);
                    assertThat(s.getChampionLabels()).isEqualTo(served.get(record.key()).getPredictedLabels());
                    assertThat(s.getShadowMillis()).isPositive();
                    assertThat(s.getChampionMillis()).isPositive();
                }
            }
            await(() -> service.metrics.shadowedSamples() == picked.size() && service.metrics.samplesDone() == n);
            assertThat(service.metrics.shadowFailures()).isZero();
            assertThat(service.metrics.shadowModelTimer().count()).isPositive();
            awaitCommitted(broker, group);

            // the verdict: promoted, the candidate serves through the champion's own path and nothing is shadowed
            publish(broker, version(5, ModelStatus.PROMOTED, blobs.put(TestModels.bytes(candidateFile)), 0.45f));
            await(() -> service.registry.current().orElseThrow().version() == 5);
            assertThat(service.registry.shadow()).isEmpty();
            assertThat(service.metrics.shadowVersion()).isZero();
            Map<String, Sample> after = new LinkedHashMap<>();
            for (int i = 0; i < 4; i++) {
                after.put(prefix + "after-" + i, TestSamples.inline(prefix + "after-" + i, 100 + i));
            }
            Broker.send(broker, Topics.SAMPLES, after);
            assertThat(Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix + "after-"),
                    4, TIMEOUT, SETTLE)).hasSize(4).allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(5));
            assertThat(Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS_SHADOW,
                    r -> r.key().startsWith(prefix + "after-"), 1, NONE_EXPECTED, Duration.ZERO)).isEmpty();
            assertThat(service.metrics.shadowsRefused("INVALID_MODEL")).isZero();
        }
    }

    @Test
    void shouldPublishTheChampionsResultsCompleteWhenTheShadowThrowsAndCloseItOnceRejected(TestBroker broker)
            throws Exception {
        publish(broker, version(1, ModelStatus.PROMOTED, blobs.put(TestModels.bytes(championFile)), 0.5f));
        publish(broker, version(2, ModelStatus.CANDIDATE, blobs.put(TestModels.bytes(throwingFile)), 0.5f));
        String group = Broker.groupAtEndOfSamples(broker);
        PipelineSettings settings = Pipelines.settings(broker.bootstrapServers(), group).withShadowFraction(1);
        try (Pipelines service = new Pipelines(settings, blobs, model, true)) {
            service.start();
            await(() -> service.pipeline.ready() && service.registry.shadow().isPresent());
            ServingModel shadow = service.registry.shadow().orElseThrow();
            assertThat(shadow.version()).isEqualTo(2);

            int n = 10;
            Map<String, Sample> samples = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                samples.put(prefix + i, TestSamples.inline(prefix + i, i));
            }
            Broker.send(broker, Topics.SAMPLES, samples);

            List<ConsumerRecord<String, Classification>> classifications = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), n, TIMEOUT, SETTLE);
            List<ConsumerRecord<String, SegmentationMask>> masks = Broker.readUntilKeys(broker, Topics.MASKS,
                    r -> r.key().startsWith(prefix), n, TIMEOUT, SETTLE);
            assertThat(classifications.stream().map(ConsumerRecord::key))
                    .containsExactlyInAnyOrderElementsOf(samples.keySet());
            assertThat(classifications).allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(1));
            assertThat(masks).hasSize(n);
            assertThat(Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS_SHADOW, r -> r.key().startsWith(prefix), 1,
                    NONE_EXPECTED, Duration.ZERO)).isEmpty();
            await(() -> service.metrics.shadowFailures() == n && service.metrics.samplesDone() == n);
            assertThat(service.metrics.shadowedSamples()).isZero();
            assertThat(service.metrics.samplesIsolated()).isZero();
            assertThat(service.metrics.deadLetters("OTHER")).isZero();
            assertThat(service.pipeline.failure()).isEmpty();
            awaitCommitted(broker, group);

            // rejected: no longer shadowed, and closed once the inference thread moved on to its next batch
            publish(broker, version(2, ModelStatus.REJECTED, blobs.put(TestModels.bytes(throwingFile)), 0.5f));
            await(() -> service.registry.shadow().isEmpty());
            assertThat(service.metrics.shadowVersion()).isZero();
            assertThat(service.registry.current().orElseThrow().version()).isEqualTo(1);
            Broker.send(broker, Topics.SAMPLES, Map.of(prefix + "after", TestSamples.inline(prefix + "after", 99)));
            assertThat(Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS, r -> r.key().equals(prefix + "after"), 1,
                    TIMEOUT, Duration.ZERO)).hasSize(1);
            await(shadow::isClosed);
            assertThat(service.metrics.shadowFailures()).isEqualTo(n);
        }
    }

    private static void awaitCommitted(TestBroker broker, String group) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Broker.committedOnSamples(broker, group).equals(Broker.endOfSamples(broker))) {
            assertThat(System.nanoTime()).as("offsets not committed within " + TIMEOUT).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private ModelVersion version(long version, ModelStatus status, BlobRef onnx, float threshold) {
        ModelVersion v = TestModels.version(model, version, onnx, TestModels.SIZE, TestModels.thresholds(threshold));
        v.setStatus(status);
        return v;
    }

    private static void publish(TestBroker broker, ModelVersion version) throws Exception {
        Broker.send(broker, Topics.MODELS, Map.of(Topics.modelKey(version.getModelName(), version.getVersion()),
                version));
    }

    /** Publishes the records in one transaction, as training does: a read_committed follower sees them at once. */
    private static void publishTogether(TestBroker broker, ModelVersion... versions) {
        Map<String, Object> props = broker.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "shadow-test-" + UUID.randomUUID());
        try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(props,
                Topics.MODELS.keySerde().serializer(), Topics.MODELS.valueSerde().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ModelVersion version : versions) {
                producer.send(new ProducerRecord<>(Topics.MODELS.name(),
                        Topics.modelKey(version.getModelName(), version.getVersion()), version));
            }
            producer.commitTransaction();
        }
    }

    private static void assertCloseTo(List<Float> actual, float[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int k = 0; k < expected.length; k++) {
            assertThat(actual.get(k)).isCloseTo(expected[k], Offset.offset(1e-5f));
        }
    }

    private static List<Integer> labels(List<Float> probabilities, float threshold) {
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < probabilities.size(); k++) {
            if (probabilities.get(k) >= threshold) {
                labels.add(k);
            }
        }
        return labels;
    }

    /** A blob store that counts reads per blob: a version never fetched was never loaded. */
    private static final class CountingBlobs implements BlobStore {
        private final BlobStore store;
        private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();

        CountingBlobs(BlobStore store) {
            this.store = store;
        }

        int gets(BlobRef ref) {
            AtomicInteger count = gets.get(ref.getSha256());
            return count == null ? 0 : count.get();
        }

        @Override
        public BlobRef put(byte[] bytes) throws BlobStoreException {
            return store.put(bytes);
        }

        @Override
        public byte[] get(BlobRef ref) throws BlobStoreException {
            gets.computeIfAbsent(ref.getSha256(), k -> new AtomicInteger()).incrementAndGet();
            return store.get(ref);
        }

        @Override
        public boolean exists(BlobRef ref) throws BlobStoreException {
            return store.exists(ref);
        }

        @Override
        public void delete(BlobRef ref) throws BlobStoreException {
            store.delete(ref);
        }
    }
}
