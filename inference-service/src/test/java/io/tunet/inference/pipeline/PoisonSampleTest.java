package io.tunet.inference.pipeline;

import static io.tunet.inference.pipeline.InferencePipelineTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.Pipelines;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sample the model cannot take costs that sample alone, and a model that fails on every sample still stops the
 * pipeline: against the real broker, with ONNX Runtime failing for real on some images ({@link TestModels#failingOn}).
 * Batches of up to 4 isolate poison samples by bisection, or hold them back until a batch has an answered sample;
 * with batches of 1 a poison sample is always alone, held back, and decided in the next batch.
 */
@WithKafka
class PoisonSampleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Duration NOTHING_COMES = Duration.ofSeconds(2);
    /** What ONNX Runtime says when the test models' extra Gather fails. */
    private static final String ORT_FAILURE = "indices element out of data bounds";

    @TempDir
    static Path models;

    /** Fails on an image whose every pixel is above 2/3: floor(1.5 × min) is 1 there, 0 elsewhere. */
    private static Path poisonedBySaturation;
    /** Fails on every image but a blank one (the warm-up's): floor(10⁶ × max) is 0 only there. */
    private static Path failingOnEveryImage;

    @TempDir
    Path dir;

    private LocalDirectoryBlobStore blobs;
    private String prefix;

    @BeforeAll
    static void exportModels() {
        Path exported = TestModels.export(models, 21, TestModels.SIZE, "1");
        poisonedBySaturation = TestModels.failingOn(exported, "ReduceMin", 1.5f, models.resolve("poisoned.onnx"));
        failingOnEveryImage = TestModels.failingOn(exported, "ReduceMax", 1e6f, models.resolve("broken.onnx"));
    }

    @BeforeEach
    void setUp() throws Exception {
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        prefix = "poison-" + UUID.randomUUID() + "-";
    }

    @ParameterizedTest(name = "{1} poison sample(s), batches of up to {0}")
    @CsvSource({"4, 1", "1, 1", "4, 3"})
    void shouldDeadLetterEachPoisonSampleOnceAndClassifyEveryOtherSample(int batchMaxSize, int poisons,
            TestBroker broker) throws Exception {
        int good = 9;
        List<String> poisoned = new ArrayList<>();
        Map<String, Sample> samples = new LinkedHashMap<>();
        for (int i = 0; i < good; i++) {
            samples.put(prefix + i, TestSamples.inline(prefix + i, i));
            if (i == good / 2) {
                for (int p = 0; p < poisons; p++) {
                    poisoned.add(prefix + "saturated-" + p);
                    samples.put(poisoned.get(p), TestSamples.uniform(poisoned.get(p), 1f));
                }
            }
        }
        String group = Broker.groupAtEndOfSamples(broker);
        PipelineSettings settings = Pipelines.settings(broker.bootstrapServers(), group)
                .withBatching(batchMaxSize, Duration.ofMillis(20));
        try (Pipelines service = new Pipelines(settings, blobs, "tunet", false)) {
            service.registry.loadFile(poisonedBySaturation, OptionalLong.of(1));
            service.start();
            // One partition, so the samples arrive in the order sent and good samples follow the poison: a sample held
            // back is decided by the next sample to arrive, and across partitions the poison could come last and wait
            // for traffic that never comes (the test then timed out under load).
            Broker.sendToOnePartition(broker, Topics.SAMPLES, samples);

            List<ConsumerRecord<String, DeadLetter>> letters = Broker.readUntilKeys(broker, Topics.SAMPLES_DLQ,
                    r -> r.key() != null && r.key().startsWith(prefix), poisons, TIMEOUT, SETTLE);
            List<ConsumerRecord<String, Classification>> classifications = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), good, TIMEOUT, SETTLE);
            List<ConsumerRecord<String, SegmentationMask>> masks = Broker.readUntilKeys(broker, Topics.MASKS,
                    r -> r.key().startsWith(prefix), good, TIMEOUT, SETTLE);
            await(() -> service.metrics.samplesDone() == good && service.metrics.samplesIsolated() == poisons);

            assertThat(letters).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(poisoned);
            assertThat(letters).allSatisfy(r -> {
                DeadLetter letter = r.value();
                assertThat(letter.getReason()).isEqualTo(DeadLetterReason.OTHER);
                assertThat(letter.getDetail()).contains("tunet v1").contains("sample " + r.key() + " run alone")
                        .contains(ORT_FAILURE);
                assertThat(letter.getSourceTopic()).isEqualTo(Topics.SAMPLES.name());
                assertThat(letter.getSourceOffset()).isNotNull();
                assertThat(letter.getService()).isEqualTo(InferencePipeline.SERVICE);
            });
            List<String> answered = samples.keySet().stream().filter(k -> !poisoned.contains(k)).toList();
            assertThat(classifications).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(answered);
            assertThat(masks).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(answered);
            assertThat(service.metrics.deadLetters(DeadLetterReason.OTHER.name())).isEqualTo(poisons);
            assertThat(service.pipeline.failure()).isEmpty();
        }
        assertThat(Broker.committedOnSamples(broker, group)).isEqualTo(Broker.endOfSamples(broker));
    }

    @ParameterizedTest(name = "batches of up to {0}")
    @ValueSource(ints = {4, 1})
    void shouldStopTheLineAsFatalWhenTheModelFailsOnEverySample(int batchMaxSize, TestBroker broker)
            throws Exception {
        Map<String, Sample> samples = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            samples.put(prefix + i, TestSamples.inline(prefix + i, i));
        }
        String group = Broker.groupAtEndOfSamples(broker);
        Map<TopicPartition, Long> before = Broker.committedOnSamples(broker, group);
        PipelineSettings settings = Pipelines.settings(broker.bootstrapServers(), group)
                .withBatching(batchMaxSize, Duration.ofMillis(20));
        try (Pipelines service = new Pipelines(settings, blobs, "tunet", false)) {
            service.registry.loadFile(failingOnEveryImage, OptionalLong.of(1)); // its warm-up on blanks passes
            service.start();
            Broker.send(broker, Topics.SAMPLES, samples);

            Throwable stop = service.pipeline.failed().toCompletableFuture()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            assertThat(service.pipeline.failure()).containsSame(stop);
            assertThat(stop).hasMessageContaining("tunet v1").hasMessageContaining("failed on every sample of a batch of")
                    .hasMessageContaining("a model problem")
                    .cause().hasMessageContaining(ORT_FAILURE);
            assertThat(Broker.readUntilKeys(broker, Topics.SAMPLES_DLQ,
                    r -> r.key() != null && r.key().startsWith(prefix), 1, NOTHING_COMES, Duration.ZERO)).isEmpty();
            assertThat(Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), 1,
                    NOTHING_COMES, Duration.ZERO)).isEmpty();
            assertThat(service.metrics.samplesIsolated()).isZero();
            assertThat(service.metrics.samplesDone()).isZero();
        }
        assertThat(Broker.committedOnSamples(broker, group)).isEqualTo(before);
    }
}
