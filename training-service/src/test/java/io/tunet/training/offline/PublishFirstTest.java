package io.tunet.training.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import io.tunet.training.EasyFields;
import io.tunet.training.registry.CheckpointArchive;
import io.tunet.training.registry.ModelRegistryView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A model trained offline becomes the first champion on a real broker, scored on held-out fields and saying what
 * it was trained on; a second publication into a registry that has versions changes nothing.
 */
@WithKafka
class PublishFirstTest {

    @TempDir
    static Path dir;

    private static final String MODEL = "tunet-first-" + UUID.randomUUID().toString().substring(0, 8);
    private static TestBroker broker;
    private static Path out;

    @BeforeAll
    static void trainOffline(TestBroker testBroker) throws Exception {
        broker = testBroker;
        Path data = EasyFields.writeDirectory(dir.resolve("train"), "first", 30, 5);
        out = dir.resolve("out");
        int status = new CommandLine(new OfflineTrainer()).execute("train", "--data", data.toString(), "--labels",
                data.resolve("train.csv").toString(), "--size", "32", "--base-width", "16", "--depth", "2",
                "--epochs", "2", "--batch", "4", "--lr", "0.001", "--no-augment", "--validation-fraction", "0.3",
                "--no-progress", "--out", out.toString(), "--cache", dir.resolve("cache").toString());
        assertThat(status).isZero();
    }

    private static int publish(ByteArrayOutputStream err) throws Exception {
        Path heldOut = EasyFields.writeDirectory(dir.resolve("held-out"), "held", 12, 99);
        Path checkpoint;
        try (var files = Files.list(out.resolve("checkpoints"))) {
            checkpoint = files.filter(f -> f.toString().endsWith(".params")).findFirst().orElseThrow();
        }
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true));
        try {
            return new CommandLine(new OfflineTrainer()).execute("publish-first", "--model",
                    out.resolve("tunet.onnx").toString(), "--checkpoint", checkpoint.toString(), "--evaluate-on",
                    heldOut.toString(), "--training-set-size", "21", "--trained-on", "30 easy synthetic fields",
                    "--bootstrap-servers", broker.bootstrapServers(), "--blob-root", dir.resolve("blobs").toString(),
                    "--model-name", MODEL, "--cache", dir.resolve("cache").toString());
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void shouldPublishTheFirstChampionOnceScoredOnHeldOutFieldsAndSayingWhatItWasTrainedOn() throws Exception {
        assertThat(publish(new ByteArrayOutputStream())).isZero();

        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        // a committed transaction becomes readable (read_committed) once its markers are written, just after
        ModelVersion champion = null;
        for (int attempt = 0; attempt < 60 && champion == null; attempt++) {
            champion = ModelRegistryView.load(MODEL, client, Duration.ofSeconds(30)).champion().orElse(null);
            if (champion == null) {
                Thread.sleep(500);
            }
        }
        assertThat(champion).as("the published champion").isNotNull();
        assertThat(champion.getVersion()).isEqualTo(1);
        assertThat(champion.getStatus()).isEqualTo(ModelStatus.PROMOTED);
        assertThat(champion.getStatusReason()).startsWith("first model, trained offline on 30 easy synthetic fields")
                .contains("12 held-out fields of held-out");
        assertThat(champion.getMetrics().getValidationSize()).isEqualTo(12);
        assertThat(champion.getTrainingSetSize()).isEqualTo(21);
        assertThat(champion.getInputSize()).isEqualTo(32);
        assertThat(champion.getReference()).as("drift reference of the held-out fields").isNotNull();
        assertThat(champion.getReference().getFields()).isEqualTo(12);
        assertThat(champion.getReference().getSource()).startsWith("held-out fields of held-out");
        assertThat(champion.getReference().getQc()).hasSize(7);
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        assertThat(blobs.get(champion.getOnnx())).isEqualTo(Files.readAllBytes(out.resolve("tunet.onnx")));
        assertThat(CheckpointArchive.unpack(blobs.get(champion.getCheckpoint()), dir.resolve("unpacked"))).exists();

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(publish(err)).isEqualTo(PublishFirst.ALREADY_PUBLISHED);
        assertThat(err.toString()).contains("models already holds " + MODEL + " v1");
        assertThat(ModelRegistryView.load(MODEL, client, Duration.ofSeconds(30)).newestVersion()).isEqualTo(1);
    }
}
