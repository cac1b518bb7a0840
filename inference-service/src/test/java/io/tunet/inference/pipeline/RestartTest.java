package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.PipelineProcess;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.schemas.Classification;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kill -9 the service in the middle of a stream and start it again: every sample still gets its outputs. */
@WithKafka
class RestartTest {

    private static final int SAMPLES = 300;

    @TempDir
    Path dir;

    @Test
    void shouldLeaveNoSampleWithoutResultsAfterAKillMidStream(TestBroker broker) throws Exception {
        Path model = TestModels.export(dir, 21, TestModels.SIZE, "1");
        Path blobRoot = dir.resolve("blobs");
        new LocalDirectoryBlobStore(blobRoot);
        String group = Broker.groupAtEndOfSamples(broker);
        String prefix = "restart-" + UUID.randomUUID() + "-";

        long started = System.nanoTime();
        Process first = launch(broker, group, model, blobRoot, "first");
        Thread stream = new Thread(() -> {
            try (KafkaProducer<String, Sample> producer = broker.producer(Topics.SAMPLES)) {
                for (int i = 0; i < SAMPLES; i++) {
                    producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), prefix + i, TestSamples.inline(prefix + i, i)));
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stream.start();
        Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS,
                r -> r.key().startsWith(prefix), 20, Duration.ofSeconds(60), Duration.ZERO);
        System.out.printf("restart: kill after %d s%n", (System.nanoTime() - started) / 1_000_000_000);
        first.destroyForcibly(); // SIGKILL: no drain, no commit, no producer flush
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long doneByFirst = Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix),
                SAMPLES, Duration.ofSeconds(3), Duration.ZERO).stream().map(ConsumerRecord::key).distinct().count();
        assertThat(doneByFirst).as("the kill must leave samples unclassified").isLessThan(SAMPLES);

        Process second = launch(broker, group, model, blobRoot, "second");
        System.out.printf("restart: second ready after %d s%n", (System.nanoTime() - started) / 1_000_000_000);
        try {
            stream.join();
            List<ConsumerRecord<String, Classification>> classifications = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), SAMPLES, Duration.ofSeconds(90),
                    Duration.ofSeconds(1));
            List<ConsumerRecord<String, SegmentationMask>> masks = Broker.readUntilKeys(broker, Topics.MASKS,
                    r -> r.key().startsWith(prefix), SAMPLES, Duration.ofSeconds(30), Duration.ZERO);
            Set<String> classified = classifications.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
            Set<String> masked = masks.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
            System.out.printf("restart: all results after %d s%n", (System.nanoTime() - started) / 1_000_000_000);
            System.out.printf("restart: %d of %d samples classified before the kill, %d classifications in the end "
                    + "(%d replayed)%n", doneByFirst, SAMPLES, classifications.size(),
                    classifications.size() - classified.size());
            assertThat(classified).hasSize(SAMPLES);
            assertThat(masked).hasSize(SAMPLES);
        } finally {
            second.destroyForcibly();
            second.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process launch(TestBroker broker, String group, Path model, Path blobRoot, String name) throws Exception {
        Path log = Path.of("target", "restart-test").resolve(name + ".log");
        Process process = PipelineProcess.launch(broker, group, model, blobRoot, log);
        assertThat(process.isAlive()).as("pipeline process died, see " + log.toAbsolutePath()).isTrue();
        return process;
    }
}
