package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.PipelineProcess;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sample that kills the process (not an exception: the JVM ends, as on a native crash) is not replayed into the
 * same death for ever: the first death counts it with its batch, the next, with the sample worked on alone, names
 * it, and the third process dead-letters it and classifies every other sample.
 */
@WithKafka
class CrashLoopTest {

    private static final int SAMPLES = 12;
    private static final int KILLER = 5;

    @TempDir
    Path dir;

    @Test
    void shouldDeadLetterASampleTheProcessDiedWithTwiceAndClassifyTheRest(TestBroker broker) throws Exception {
        Path model = TestModels.export(dir, 21, TestModels.SIZE, "1");
        Path blobRoot = dir.resolve("blobs");
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(blobRoot);
        Path state = dir.resolve("state");
        String group = Broker.groupAtEndOfSamples(broker);
        String prefix = "crash-" + UUID.randomUUID() + "-";
        Map<String, Sample> samples = new LinkedHashMap<>();
        String deadly = null;
        for (int i = 0; i < SAMPLES; i++) {
            Sample sample = TestSamples.claimChecked(prefix + i, i, blobs);
            if (i == KILLER) {
                deadly = ((BlobRef) sample.getGreen().getContent()).getSha256();
            }
            samples.put(prefix + i, sample);
        }
        // one partition, in order: the deadly sample has innocent neighbours before and after it
        Broker.sendToOnePartition(broker, Topics.SAMPLES, samples);

        List<Integer> exits = new java.util.ArrayList<>();
        for (String name : List.of("first", "second")) {
            Process process = launch(broker, group, model, blobRoot, state, deadly, name);
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as(name + " process must die on the deadly sample").isTrue();
            exits.add(process.exitValue());
        }
        assertThat(exits).containsExactly(PipelineProcess.HALTED, PipelineProcess.HALTED);
        // the second process worked on each sample the first died with alone: only the deadly one is counted twice
        assertThat(CrashSuspects.replay(Files.readAllLines(state.resolve(CrashSuspects.FILE))).values())
                .containsExactly(2);

        Process third = launch(broker, group, model, blobRoot, state, deadly, "third");
        try {
            List<ConsumerRecord<String, DeadLetter>> letters = Broker.readUntilKeys(broker, Topics.SAMPLES_DLQ,
                    r -> r.key().startsWith(prefix), 1, Duration.ofSeconds(60), Duration.ofSeconds(1));
            List<ConsumerRecord<String, Classification>> classifications = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), SAMPLES - 1, Duration.ofSeconds(60),
                    Duration.ofSeconds(2));

            assertThat(letters).extracting(ConsumerRecord::key).containsExactly(prefix + KILLER);
            assertThat(letters.get(0).value().getDetail()).contains("died 2 times");
            Set<String> classified = classifications.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
            assertThat(classified).hasSize(SAMPLES - 1).doesNotContain(prefix + KILLER);
            assertThat(third.isAlive()).isTrue();
            assertThat(CrashSuspects.replay(Files.readAllLines(state.resolve(CrashSuspects.FILE))))
                    .as("every sample finished: nothing is counted any more").isEmpty();
        } finally {
            third.destroy();
            third.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private Process launch(TestBroker broker, String group, Path model, Path blobRoot, Path state, String deadly,
            String name) throws Exception {
        return PipelineProcess.launch(broker, group, model, blobRoot, dir.resolve(name + ".log"), state.toString(),
                deadly);
    }
}
