package io.tunet.gateway;

import static io.tunet.gateway.StainFiles.await;
import static io.tunet.gateway.StainFiles.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.gateway.folder.FolderOutcomes;
import io.tunet.gateway.journal.PublishJournal;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.OmeTiffFixtures;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/**
 * The gateway as its own process, killed with SIGKILL ({@code destroyForcibly}) while it works through a folder that
 * is still being filled, then started again on the same folder: every stain of every field is on the topic exactly
 * once. Every fourth field is one multi-channel OME-TIFF (four records from one file) rather than four PNGs.
 */
@WithKafka
class GatewayKillTest {

    private static final int FIELDS = 40;
    private static final int OME_EVERY = 4;

    @TempDir
    Path temp;

    @Test
    void shouldPublishEveryFieldExactlyOnceWhenKilledMidFolderAndRestarted(TestBroker broker) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path watch = temp.resolve("watch");
        Files.createDirectories(watch);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < FIELDS; i++) {
            ids.add("kill-" + run + "-" + i);
        }
        String[] args = {broker.bootstrapServers(), watch.toString(), temp.resolve("blobs").toString(), "8"};
        // written once by tifffile, copied in under each OME field's name (the name makes the sample id)
        Path ome = temp.resolve("field.ome.tif");
        OmeTiffFixtures.write(ome, "uint16", 32, 32, List.of("red", "green", "blue", "yellow"));
        int files = 0;
        for (int i = 0; i < FIELDS; i++) {
            files += i % OME_EVERY == 0 ? 1 : 4;
        }
        int expectedFiles = files;

        Process first = start(args, Path.of("target", "gateway-kill-first-" + run + ".log"));
        Thread writer = new Thread(() -> writeFields(watch, ids, ome), "acquisition-software");
        writer.start();
        awaitRecords(broker, ids, FIELDS, Duration.ofSeconds(90));
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        int beforeKill = broker.readKeys(Topics.ACQUISITIONS, ids, Integer.MAX_VALUE, Duration.ofSeconds(2)).size();
        assertThat(beforeKill).as("killed in the middle of the folder").isLessThan(4 * FIELDS);

        Process second = start(args, Path.of("target", "gateway-kill-second-" + run + ".log"));
        try {
            writer.join(120_000);
            Path done = watch.resolve(FolderOutcomes.DONE);
            await(() -> count(done) == expectedFiles, Duration.ofSeconds(120), "every file in done/",
                    () -> count(done));
            // read a while longer than needed, so that a duplicate, if there were one, has time to show
            List<ConsumerRecord<String, Acquisition>> all = broker.readKeys(Topics.ACQUISITIONS, ids,
                    Integer.MAX_VALUE, Duration.ofSeconds(5));
            Map<String, Long> perStain = StainFiles.perStain(all);
            assertThat(perStain).hasSize(4 * FIELDS);
            assertThat(perStain.values()).as("each stain once").allMatch(n -> n == 1L);
            assertThat(StainFiles.files(watch)).as("nothing left behind").isEmpty();
        } finally {
            second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (PublishJournal journal = PublishJournal.open(watch.resolve(".gateway").resolve(PublishJournal.FILE_NAME))) {
            assertThat(journal.pending()).as("no intent left unresolved").isEmpty();
        }
    }

    /** Writes one field every 50 ms, each file in place, as simple acquisition software does. */
    private static void writeFields(Path watch, List<String> ids, Path ome) {
        try {
            for (int i = 0; i < ids.size(); i++) {
                if (i % OME_EVERY == 0) {
                    Files.write(watch.resolve(ids.get(i) + ".ome.tif"), Files.readAllBytes(ome));
                } else {
                    StainFiles.writeField(watch, ids.get(i), 32);
                }
                Thread.sleep(50);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("writing the fields failed", e);
        }
    }

    private static void awaitRecords(TestBroker broker, List<String> ids, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            seen = broker.readKeys(Topics.ACQUISITIONS, ids, count, Duration.ofSeconds(2)).size();
            if (seen >= count) {
                return;
            }
        }
        throw new AssertionError("only " + seen + " of " + count + " records within " + timeout);
    }

    private static Process start(String[] args, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp", System.getProperty("java.class.path"),
                GatewayProcess.class.getName()));
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
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // the child was killed: its output ends here
        }
    }
}
