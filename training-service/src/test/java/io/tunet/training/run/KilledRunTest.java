package io.tunet.training.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import io.tunet.training.EasyFields;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.feedback.FeedbackIntake;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelRegistryView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training process killed with SIGKILL in the middle of a run: nothing on {@code models}, cleaned up on restart. */
@WithKafka
class KilledRunTest {

    @TempDir
    Path dir;

    @Test
    void shouldPublishNothingWhenTheProcessIsKilledMidRunAndCleanUpOnTheNextStart(TestBroker broker) throws Exception {
        String model = "tunet-killed-" + UUID.randomUUID().toString().substring(0, 8);
        Path data = dir.resolve("data");
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        try (DatasetIndex index = DatasetIndex.open(data)) {
            FeedbackIntake intake = new FeedbackIntake(index, blobs, Duration.ofMinutes(5), Clock.systemUTC());
            for (int n = 0; n < 20; n++) {
                intake.onSample(EasyFields.sample("killed-" + n, n, 3));
                intake.onFeedback(EasyFields.feedback("f" + n, "killed-" + n, EasyFields.labels(n)),
                        new FeedbackIntake.Source(Topics.FEEDBACK.name(), 0, n, "killed-" + n, null));
            }
        }

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), KilledRunChild.class.getName(),
                data.toString(), blobs.root().toString(), broker.bootstrapServers(), model)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String l = out.readLine(); l != null; l = out.readLine()) {
                        if (l.equals("TRAINING")) {
                            return l;
                        }
                    }
                    return "exited";
                } catch (java.io.IOException e) {
                    return e.getMessage();
                }
            }).get(180, TimeUnit.SECONDS);
            assertThat(line).isEqualTo("TRAINING");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }

        assertThat(data.resolve("runs").resolve("killed-run").resolve(TrainingRunner.RUNNING_MARKER)).exists();
        assertThat(broker.read(Topics.MODELS, 1, Duration.ofSeconds(5), r -> model.equals(r.value().getModelName()))).isEmpty();

        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (DatasetIndex index = DatasetIndex.open(data); ModelPublisher publisher = new ModelPublisher(client,
                "killed-run-" + model)) {
            TrainingRunner restarted = new TrainingRunner(data, index, blobs,
                    ModelRegistryView.load(model, client, Duration.ofSeconds(30)), publisher, Clock.systemUTC());
            assertThat(restarted.cleanUpAbandonedRuns()).isEqualTo(List.of("killed-run"));
        }
        assertThat(Files.exists(data.resolve("runs").resolve("killed-run"))).isFalse();
    }
}
