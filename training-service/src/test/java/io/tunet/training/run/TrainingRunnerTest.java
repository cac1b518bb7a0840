package io.tunet.training.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.onnx.TunetPrediction;
import io.tunet.core.training.TrainingCancelledException;
import io.tunet.core.training.TrainingListener;
import io.tunet.imaging.hpa.SplitAssigner;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.ReferenceHistogram;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import io.tunet.training.EasyFields;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.feedback.FeedbackIntake;
import io.tunet.training.promotion.GateSettings;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelRegistryView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real runs (PyTorch training of a tiny TUNet, ONNX export, real broker) in order: the first model is promoted
 * against the baseline, a worse challenger is rejected with reasons, and runs stopped midway publish nothing.
 */
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingRunnerTest {

    private static final int FIELDS = 45;

    @TempDir
    static Path dir;

    private static final String MODEL = "tunet-runner-" + UUID.randomUUID().toString().substring(0, 8);
    private static TestBroker broker;
    private static DatasetIndex index;
    private static LocalDirectoryBlobStore blobs;
    private static ModelPublisher publisher;
    private static ModelRegistryView registry;
    private static TrainingRunner runner;
    private static RunSettings settings;

    @BeforeAll
    static void fillDataset(TestBroker testBroker) throws Exception {
        broker = testBroker;
        index = DatasetIndex.open(dir.resolve("data"));
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        fill(index);
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        registry = ModelRegistryView.load(MODEL, client, Duration.ofSeconds(30));
        publisher = new ModelPublisher(client, "training-runner-test-" + MODEL);
        runner = new TrainingRunner(dir.resolve("data"), index, blobs, registry, publisher, Clock.systemUTC());
        settings = new RunSettings(MODEL,
                NetworkSpec.tunet(new TunetConfig(EasyFields.SIZE, 16, 2, 0.1f, false)),
                new TrainerSettings(6, 4, 3e-3f, 6, false, 3), 0.3, 0.2, WarmStart.PREFERRED, new GateSettings(0.005, 0.05), 8);
    }

    /** The labelled fields every instance consumes from {@code samples} and {@code feedback}. */
    private static void fill(DatasetIndex target) throws Exception {
        FeedbackIntake intake = new FeedbackIntake(target, blobs, Duration.ofMinutes(5), Clock.systemUTC());
        for (int n = 0; n < FIELDS; n++) {
            String id = "runner-" + n;
            intake.onSample(EasyFields.sample(id, n, 7));
            intake.onFeedback(EasyFields.feedback("f-" + n, id, EasyFields.labels(n)),
                    new FeedbackIntake.Source(Topics.FEEDBACK.name(), 0, n, id, null));
        }
    }

    @AfterAll
    static void close() throws Exception {
        publisher.close();
        index.close();
    }

    private static List<ModelVersion> published(int atLeast, Duration timeout) {
        return broker.read(Topics.MODELS, atLeast, timeout, r -> MODEL.equals(r.value().getModelName())).stream()
                .map(ConsumerRecord::value).toList();
    }

    @Test
    @Order(1)
    void shouldPromoteTheFirstModelThatBeatsTheBaselineWithAnOnnxFileInferenceAccepts() throws Exception {
        RunOutcome outcome = runner.run("first", "test", settings, TrainingListener.NONE, () -> false);

        ModelVersion version = outcome.candidate();
        assertThat(version.getStatus()).as(version.getStatusReason()).isEqualTo(ModelStatus.PROMOTED);
        assertThat(version.getStatusReason()).contains("class-frequency baseline");
        assertThat(published(2, Duration.ofSeconds(20))).extracting(ModelVersion::getStatus)
                .containsExactly(ModelStatus.CANDIDATE, ModelStatus.PROMOTED);
        assertThat(version.getSnapshotId()).isEqualTo(index.snapshot().id());
        // validation below 0.3 on the id's hash scale, gate in [0.3, 0.5), training above; the record scores the gate
        double[] positions = IntStream.range(0, FIELDS).mapToDouble(n -> SplitAssigner.position("runner-" + n)).toArray();
        assertThat(version.getMetrics().getValidationSize())
                .isEqualTo((int) Arrays.stream(positions).filter(p -> p >= 0.3 && p < 0.5).count()).isPositive();
        assertThat(version.getTrainingSetSize()).isEqualTo((int) Arrays.stream(positions).filter(p -> p >= 0.5).count());
        assertAcceptedByInference(version);
        // the drift reference: the QC of the gate fields, decoded from the blob store again, and the predictions there
        ReferenceProfile reference = version.getReference();
        assertThat(reference).as("drift reference").isNotNull();
        assertThat(reference.getFields()).isEqualTo(version.getMetrics().getValidationSize());
        assertThat(reference.getSource()).startsWith("gate split of snapshot " + version.getSnapshotId());
        assertThat(reference.getQc()).extracting(ReferenceHistogram::getStatistic).containsExactly("focus",
                "foregroundFraction", "nuclei", "red.p999", "green.p999", "blue.p999", "yellow.p999");
        assertThat(reference.getClassFrequencies()).hasSize(HpaClasses.COUNT);
        assertThat(published(2, Duration.ofSeconds(20))).allSatisfy(v -> assertThat(v.getReference()).isEqualTo(reference));
        Path report = outcome.report();
        assertThat(Files.readString(report)).contains("PROMOTED").contains("| 25 Cytosol |");
        for (String png : List.of("loss.png", "macro-f1.png", "class-frequencies.png", "labels-per-image.png",
                "label-cooccurrence.png")) {
            assertThat(Files.size(report.resolveSibling(png))).as(png).isGreaterThan(1000);
        }
        // the ONNX file and the checkpoint live in the blob store (retention decides there); the run folder keeps
        // the report alone, not 28 MB per run at the cpu preset
        try (Stream<Path> files = Files.walk(report.getParent())) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.endsWith(".onnx") || f.endsWith(".params"));
        }
    }

    /** The checks inference-service's ModelLoader makes before it serves a PROMOTED version. */
    private static void assertAcceptedByInference(ModelVersion version) throws Exception {
        Path file = dir.resolve("fetched-v" + version.getVersion() + ".onnx");
        Files.write(file, blobs.get(version.getOnnx()));
        try (OnnxTunet onnx = OnnxTunet.load(file); OnnxTunet.Session session = onnx.newSession()) {
            assertThat(onnx.metadata().inputSize()).isEqualTo(version.getInputSize());
            assertThat(onnx.metadata().modelName()).isEqualTo(MODEL);
            assertThat(onnx.metadata().version()).isEqualTo(Long.toString(version.getVersion()));
            assertThat(onnx.hasMasks()).isTrue();
            assertThat(onnx.metadata().classNames()).isEqualTo(HpaClasses.names());
            assertThat(version.getThresholds()).hasSize(HpaClasses.COUNT).allSatisfy(t -> assertThat(t).isBetween(0f, 1f));
            TunetPrediction prediction = session.predict(new float[2][4 * version.getInputSize() * version.getInputSize()]);
            for (float[] row : prediction.probabilities()) {
                for (float p : row) {
                    assertThat(p).isBetween(0f, 1f);
                }
            }
        }
    }

    @Test
    @Order(2)
    void shouldRejectAWorseChallengerWithTheReasonsInTheRecord() throws Exception {
        long champion = registry.champion().orElseThrow().getVersion();
        // an (almost) untrained network: one epoch at a negligible rate, from scratch
        RunSettings worse = settings.withTrainer(new TrainerSettings(1, 4, 1e-7f, 1, false, 11)).withWarmStart(WarmStart.OFF);

        RunOutcome outcome = runner.run("worse", "test", worse, TrainingListener.NONE, () -> false);

        ModelVersion version = outcome.candidate();
        assertThat(version.getStatus()).isEqualTo(ModelStatus.REJECTED);
        assertThat(version.getStatusReason()).contains("does not beat champion v" + champion);
        assertThat(version.getParentVersion()).isEqualTo(champion);
        assertThat(published(4, Duration.ofSeconds(20))).extracting(ModelVersion::getStatus)
                .containsExactly(ModelStatus.CANDIDATE, ModelStatus.PROMOTED, ModelStatus.CANDIDATE, ModelStatus.REJECTED);
        assertThat(registry.champion().orElseThrow().getVersion()).isEqualTo(champion);
        assertThat(Files.readString(outcome.report())).contains("REJECTED").contains("champion v" + champion);
    }

    @Test
    @Order(3)
    void shouldWarmStartFromTheChampionsCheckpoint() throws Exception {
        long champion = registry.champion().orElseThrow().getVersion();
        List<String> lines = new java.util.ArrayList<>();
        RunOutcome outcome = runner.run("warm", "test", settings.withTrainer(new TrainerSettings(1, 4, 1e-3f, 1, false, 5)),
                new TrainingListener() {
                    @Override
                    public void phase(String phase) {
                        lines.add(phase);
                    }
                }, () -> false);

        assertThat(Files.readString(outcome.report())).contains("warm start from champion v" + champion);
        assertThat(lines).contains("loading data", "training", "scoring the champion", "publishing");
    }

    @Test
    @Order(4)
    void shouldWarmStartAFreshInstanceWithAnEmptyDataFolderFromTheChampionAnotherPublished() throws Exception {
        ModelVersion champion = registry.champion().orElseThrow();
        assertThat(champion.getCheckpoint()).as("published with its checkpoint").isNotNull();
        Path data = dir.resolve("fresh-instance");
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (DatasetIndex freshIndex = DatasetIndex.open(data);
                ModelPublisher freshPublisher = new ModelPublisher(client, "training-runner-test-fresh-" + MODEL)) {
            fill(freshIndex);
            TrainingRunner fresh = new TrainingRunner(data, freshIndex, blobs,
                    ModelRegistryView.load(MODEL, client, Duration.ofSeconds(30)), freshPublisher, Clock.systemUTC());
            // a negligible rate: what the run ends with is what it started from
            RunSettings frozen = settings.withTrainer(new TrainerSettings(1, 4, 1e-7f, 1, false, 5));

            RunOutcome outcome = fresh.run("fresh-warm", "test", frozen, TrainingListener.NONE, () -> false);

            assertThat(Files.readString(outcome.report())).contains("warm start from champion v" + champion.getVersion());
            assertThat(outcome.candidate().getMetrics().getMacroF1()).as("scores like the champion, not like an "
                    + "untrained network").isCloseTo(champion.getMetrics().getMacroF1(), within(0.05));
            registry.observe(outcome.candidate());
        }
    }

    @Test
    @Order(5)
    void shouldFailOrTrainFromScratchPerConfigWhenTheChampionsCheckpointCannotBeHad() throws Exception {
        ModelVersion champion = registry.champion().orElseThrow();
        BlobRef checkpoint = champion.getCheckpoint();
        byte[] archive = blobs.get(checkpoint);
        int before = published(100, Duration.ofSeconds(3)).size();
        RunSettings oneEpoch = settings.withTrainer(new TrainerSettings(1, 4, 1e-7f, 1, false, 5));
        try {
            Path stored;
            try (Stream<Path> files = Files.walk(blobs.root())) {
                stored = files.filter(f -> f.getFileName().toString().contains(checkpoint.getSha256())).findFirst()
                        .orElseThrow();
            }
            Files.write(stored, new byte[archive.length]);
            assertThatThrownBy(() -> runner.run("required", "test", oneEpoch.withWarmStart(WarmStart.REQUIRED),
                    TrainingListener.NONE, () -> false))
                    .isInstanceOf(WarmStartUnavailableException.class)
                    .hasMessageContaining("champion v" + champion.getVersion()).hasMessageContaining("sha256");
            assertThat(published(before + 1, Duration.ofSeconds(3))).hasSize(before);
            assertThat(runner.runsDirectory().resolve("required")).doesNotExist();

            blobs.delete(checkpoint);
            RunOutcome outcome = runner.run("preferred", "test", oneEpoch, TrainingListener.NONE, () -> false);

            assertThat(Files.readString(outcome.report())).contains("trained from scratch: the checkpoint of champion v"
                    + champion.getVersion() + " cannot be used: no blob");
        } finally {
            blobs.put(archive);
        }
    }

    @Test
    @Order(6)
    void shouldPublishNothingWhenARunStopsMidwayOrJustBeforePublishing() throws Exception {
        int before = published(100, Duration.ofSeconds(3)).size();
        long blobsBefore = countBlobs();
        AtomicBoolean stop = new AtomicBoolean();
        TrainingListener stopAtSecondStep = new TrainingListener() {
            @Override
            public void step(StepProgress progress) {
                stop.set(progress.step() == 2);
            }
        };
        assertThatThrownBy(() -> runner.run("killed-in-training", "test", settings, stopAtSecondStep, stop::get))
                .isInstanceOf(TrainingCancelledException.class).hasMessageContaining("epoch 1, step 3");

        AtomicBoolean beforePublishing = new AtomicBoolean();
        TrainingListener stopWhenPublishing = new TrainingListener() {
            @Override
            public void phase(String phase) {
                beforePublishing.set(phase.equals("publishing"));
            }
        };
        RunSettings oneEpoch = settings.withTrainer(new TrainerSettings(1, 4, 1e-3f, 1, false, 5));
        assertThatThrownBy(() -> runner.run("killed-publishing", "test", oneEpoch, stopWhenPublishing,
                beforePublishing::get)).isInstanceOf(TrainingCancelledException.class);

        assertThat(published(before + 1, Duration.ofSeconds(3))).hasSize(before);
        assertThat(countBlobs()).as("no ONNX blob left behind").isEqualTo(blobsBefore);
        assertThat(runner.runsDirectory().resolve("killed-in-training")).doesNotExist();
        assertThat(runner.runsDirectory().resolve("killed-publishing")).doesNotExist();
    }

    @Test
    @Order(7)
    void shouldCleanUpWhatAKilledRunLeftBehindOnTheNextStart() throws Exception {
        // what a process killed with SIGKILL between storing its ONNX file and publishing leaves on disk
        Path run = runner.runsDirectory().resolve("killed-hard");
        Files.createDirectories(run.resolve("checkpoints"));
        Files.writeString(run.resolve(TrainingRunner.RUNNING_MARKER), "test\n");
        var orphan = blobs.put("an ONNX file nobody published".getBytes(StandardCharsets.UTF_8));
        Files.writeString(run.resolve(TrainingRunner.STORED_BLOBS), orphan.getUri() + " " + orphan.getSha256() + " "
                + orphan.getSize() + "\n");

        TrainingRunner restarted = new TrainingRunner(dir.resolve("data"), index, blobs, registry, publisher,
                Clock.systemUTC());
        List<String> cleaned = restarted.cleanUpAbandonedRuns();

        assertThat(cleaned).containsExactly("killed-hard");
        assertThat(run).doesNotExist();
        assertThat(blobs.exists(orphan)).isFalse();
        assertThat(runner.runsDirectory().resolve("first").resolve("report.md")).exists();
    }

    private static long countBlobs() throws Exception {
        try (Stream<Path> files = Files.walk(blobs.root())) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
