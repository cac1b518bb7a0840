package io.tunet.ingest.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.ingest.Fixtures;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/**
 * Kills the service (a child JVM, {@code destroyForcibly}) in the middle of a stream, starts it again, and checks
 * that every sample comes out exactly once for a read-committed consumer.
 */
@WithKafka
class RestartTest {

    private static final int SAMPLES = 30;

    @TempDir
    Path temp;

    @Test
    void shouldEmitEverySampleExactlyOnceWhenKilledMidStreamAndRestarted(TestBroker broker) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            ids.add("restart-" + run + "-" + i);
        }
        String[] args = {broker.bootstrapServers(), "ingest-restart-" + run, temp.resolve("state").toString(),
                temp.resolve("blobs").toString()};

        Process first = startChild(args, Path.of("target", "restart-first-" + run + ".log"));
        // A quarter first, and the rest only once the child assembles: published while the child still started (it
        // can take longer than the whole stream on a busy machine), every sample was assembled before the kill.
        publish(broker, ids.subList(0, SAMPLES / 4));
        awaitSamples(broker, ids, SAMPLES / 4, Duration.ofSeconds(60));
        Thread publisher = new Thread(() -> publish(broker, ids.subList(SAMPLES / 4, SAMPLES)), "publisher");
        publisher.start();

        // Wait until part of the rest has been assembled, then pull the plug.
        awaitSamples(broker, ids, SAMPLES / 4 + 2, Duration.ofSeconds(60));
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        int beforeKill = distinctSamples(broker, ids, Duration.ofSeconds(1)).size();
        assertThat(beforeKill).as("killed in the middle of the stream").isLessThan(SAMPLES);

        Process second = startChild(args, Path.of("target", "restart-second-" + run + ".log"));
        try {
            publisher.join(60_000);
            awaitSamples(broker, ids, SAMPLES, Duration.ofSeconds(90));
            // Read for a while longer than needed, so that a duplicate, if there were one, has time to appear.
            List<ConsumerRecord<String, Sample>> all = broker.readKeys(Topics.SAMPLES, ids, Integer.MAX_VALUE,
                    Duration.ofSeconds(4));
            Map<String, Long> perSample = all.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                    Collectors.counting()));
            assertThat(perSample).hasSize(SAMPLES);
            assertThat(perSample.values()).allMatch(count -> count == 1L);
            assertThat(all).allSatisfy(r -> assertThat(r.value().getSourceAcquisitionIds()).hasSize(4));
        } finally {
            second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Publishes the four stains of every sample, shuffled within the sample, one sample every 150 ms. */
    private static void publish(TestBroker broker, List<String> ids) {
        Random random = new Random(42);
        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            for (String id : ids) {
                List<Stain> stains = new ArrayList<>(PartialSample.REQUIRED);
                Collections.shuffle(stains, random);
                for (Stain stain : stains) {
                    producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), id,
                            Fixtures.acquisition(id, stain))).get();
                }
                Thread.sleep(150);
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing acquisitions failed", e);
        }
    }

    private static List<ConsumerRecord<String, Sample>> awaitSamples(TestBroker broker, List<String> ids, int count,
                                                                     Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<ConsumerRecord<String, Sample>> seen = List.of();
        while (Instant.now().isBefore(deadline)) {
            seen = broker.readKeys(Topics.SAMPLES, ids, count, Duration.ofSeconds(2));
            if (seen.size() >= count) {
                return seen;
            }
        }
        throw new AssertionError("only " + seen.size() + " of " + count + " samples within " + timeout);
    }

    private static Map<String, ConsumerRecord<String, Sample>> distinctSamples(TestBroker broker, List<String> ids,
                                                                               Duration timeout) {
        return broker.readKeys(Topics.SAMPLES, ids, Integer.MAX_VALUE, timeout).stream()
                .collect(Collectors.toMap(ConsumerRecord::key, Function.identity(), (a, b) -> a));
    }

    private static Process startChild(String[] args, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp", System.getProperty("java.class.path"),
                IngestProcess.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread pump = new Thread(() -> copy(process, log), "child-log");
        pump.setDaemon(true);
        pump.start();
        return process;
    }

    private static void copy(Process process, Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // The child was killed: its output ends here.
        }
    }
}
