package io.tunet.training.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.blob.Sha256;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import io.tunet.training.EasyFields;
import io.tunet.training.TestClock;
import io.tunet.training.dataset.AtomicFile;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.feedback.FeedbackIntake;
import io.tunet.training.registry.ModelRegistryView;
import io.tunet.training.run.TrainingRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention end to end on real files: samples through the intake into the index and a real blob store, a pass of
 * {@link Retention}, and what is left on disk.
 */
class RetentionTest {

    private static final Duration GRACE = Duration.ofHours(24);
    private static final String MODEL = "tunet";

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(Instant.now());
    private Path data;
    private DatasetIndex index;
    private BlobLedger ledger;
    private LocalDirectoryBlobStore blobs;
    private FeedbackIntake intake;
    private ModelRegistryView registry;
    private TrainingRunner runner;

    @BeforeEach
    void open() throws Exception {
        data = dir.resolve("data");
        index = DatasetIndex.open(data);
        ledger = BlobLedger.open(data, clock);
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        intake = new FeedbackIntake(index, blobs, Duration.ofMinutes(5), clock, ledger);
        registry = new ModelRegistryView(MODEL);
        runner = new TrainingRunner(data, index, blobs, registry, null, clock);
    }

    @AfterEach
    void close() throws Exception {
        index.close();
        ledger.close();
    }

    private Retention retention(int unlabelledMax) {
        BlobCollector collector = new BlobCollector(ledger, index, blobs, MODEL,
                () -> {
                    Set<String> inUse = BlobCollector.artefactsOf(registry.inUse());
                    inUse.addAll(runner.blobsOfUnpublishedRuns());
                    return inUse;
                }, GRACE);
        return new Retention(index, ledger, collector, java.util.Optional.empty(),
                new Retention.Settings(unlabelledMax, Duration.ofDays(14), Duration.ofDays(90), GRACE, 0.5));
    }

    private Retention retentionWithForeign(int unlabelledMax, ReferenceHorizon.Reading reach, Set<String> models) {
        BlobCollector collector = new BlobCollector(ledger, index, blobs, MODEL, Set::of, GRACE);
        return new Retention(index, ledger, collector,
                java.util.Optional.of(new ForeignBlobCollector(blobs, ledger, index, () -> models, () -> reach, GRACE)),
                new Retention.Settings(unlabelledMax, Duration.ofDays(14), Duration.ofDays(90), GRACE, 0.5));
    }

    private static ReferenceHorizon.Reading reach(Duration horizon) {
        return new ReferenceHorizon.Reading(java.util.Optional.of(horizon), "test");
    }

    private static List<BlobRef> refs(Sample sample) {
        List<BlobRef> refs = new ArrayList<>();
        for (Image image : List.of(sample.getRed(), sample.getGreen(), sample.getBlue(), sample.getYellow())) {
            byte[] bytes = image.getContent() instanceof java.nio.ByteBuffer b ? bytesOf(b) : null;
            refs.add(image.getContent() instanceof BlobRef ref ? ref
                    : BlobRef.newBuilder().setUri(LocalDirectoryBlobStore.URI_PREFIX + Sha256.hex(bytes))
                            .setSha256(Sha256.hex(bytes)).setSize(bytes.length).build());
        }
        return refs;
    }

    private static byte[] bytesOf(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private boolean allExist(List<BlobRef> refs) throws Exception {
        for (BlobRef ref : refs) {
            if (!blobs.exists(ref)) {
                return false;
            }
        }
        return true;
    }

    private boolean noneExists(List<BlobRef> refs) throws Exception {
        for (BlobRef ref : refs) {
            if (blobs.exists(ref)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void shouldDeleteTheImagesOfDroppedSamplesOnlyAfterTheGracePeriod() throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            samples.add(EasyFields.sample("s" + n, n, 7));
            intake.onSample(samples.get(n));
            clock.advance(Duration.ofSeconds(1));
        }
        intake.onFeedback(EasyFields.feedback("f0", "s0", 0), source());

        clock.advance(Duration.ofHours(1));
        Retention.Report early = retention(1).run(clock.instant());

        assertThat(early.dropped()).extracting(DatasetIndex.Dropped::sampleId).containsExactlyInAnyOrder("s1", "s2");
        assertThat(early.blobs().deleted()).as("within the grace period").isZero();
        assertThat(allExist(refs(samples.get(1)))).isTrue();

        clock.advance(GRACE);
        Retention.Report late = retention(1).run(clock.instant());

        assertThat(late.blobs().deleted()).isEqualTo(8);
        long expectedBytes = refs(samples.get(1)).stream().mapToLong(BlobRef::getSize).sum()
                + refs(samples.get(2)).stream().mapToLong(BlobRef::getSize).sum();
        assertThat(late.blobs().bytesDeleted()).isEqualTo(expectedBytes);
        assertThat(noneExists(refs(samples.get(1)))).isTrue();
        assertThat(noneExists(refs(samples.get(2)))).isTrue();
        assertThat(allExist(refs(samples.get(0)))).as("labelled").isTrue();
        assertThat(allExist(refs(samples.get(3)))).as("in the window").isTrue();
        assertThat(late.blobs().kept()).isEqualTo(8);
        assertThat(ledger.entries()).hasSize(8);
    }

    @Test
    void shouldKeepTheLabelOfASampleDroppedBeforeItArrivedAndNotDeadLetterIt() throws Exception {
        intake.onSample(EasyFields.sample("s1", 1, 7));
        clock.advance(Duration.ofDays(15));
        retention(100).run(clock.instant());

        FeedbackIntake.Taken taken = intake.onFeedback(EasyFields.feedback("late", "s1", 25), source());
        clock.advance(Duration.ofHours(1));

        assertThat(taken.outcome()).isEqualTo(DatasetIndex.LabelOutcome.SAMPLE_DROPPED);
        assertThat(taken.refused()).isEmpty();
        assertThat(intake.expire()).as("no UNKNOWN_SAMPLE dead letter: the sample was known").isEmpty();
        assertThat(index.stats().labelsWithoutImages()).isEqualTo(1);
    }

    @Test
    void shouldDeleteOtherServicesBlobsOnceBeyondTheTopicsReachUnlessSomethingStillReferencesThem() throws Exception {
        Duration horizon = Duration.ofDays(14);
        // a labelled sample whose green stain ingest claim-checked: the index references that foreign blob
        BlobRef claimCheckedKept = blobs.put(EasyFields.stains(9, 3).get(1));
        Sample labelled = EasyFields.sample("s1", 1, 7);
        labelled.getGreen().setContent(claimCheckedKept);
        intake.onSample(labelled);
        intake.onFeedback(EasyFields.feedback("f1", "s1", 0), source());
        // a stain of a sample training never saw, a dead letter's payload, the first model published by the demo
        BlobRef orphanStain = blobs.put(EasyFields.stains(11, 3).get(2));
        BlobRef payload = intake.deadLetter(DeadLetterReason.OTHER, "big", new FeedbackIntake.Source(
                Topics.SAMPLES.name(), 0, 1, "k", new byte[600 * 1024])).getPayloadRef();
        BlobRef firstModel = blobs.put("onnx of the first model".getBytes(StandardCharsets.UTF_8));
        Set<String> models = Set.of(firstModel.getSha256());

        clock.advance(horizon.plus(GRACE).minusHours(1));
        Retention.Report within = retentionWithForeign(10, reach(horizon), models).run(clock.instant());

        assertThat(within.foreign()).hasValueSatisfying(f -> assertThat(f.deleted()).isZero());
        assertThat(blobs.exists(orphanStain)).isTrue();

        clock.advance(Duration.ofHours(2));
        Retention.Report beyond = retentionWithForeign(10, reach(horizon), models).run(clock.instant());

        ForeignBlobCollector.Result foreign = beyond.foreign().orElseThrow();
        assertThat(foreign.deleted()).isEqualTo(2);
        assertThat(foreign.bytesDeleted()).isEqualTo(orphanStain.getSize() + payload.getSize());
        assertThat(blobs.exists(orphanStain)).isFalse();
        assertThat(blobs.exists(payload)).isFalse();
        assertThat(blobs.exists(claimCheckedKept)).as("referenced by a kept sample").isTrue();
        assertThat(blobs.exists(firstModel)).as("referenced by a model version").isTrue();
        assertThat(allExist(refs(labelled))).as("training's own stains and the claim-checked one").isTrue();
        assertThat(foreign.kept()).isEqualTo(2);
        assertThat(beyond.blobs().deleted()).isZero();
    }

    @Test
    void shouldKeepAForeignBlobWrittenAgainWithinTheReach() throws Exception {
        Duration horizon = Duration.ofHours(1);
        byte[] stain = EasyFields.stains(12, 3).get(0);
        BlobRef ref = blobs.put(stain);
        Files.setLastModifiedTime(blobs.root().resolve("sha256").resolve(ref.getSha256().substring(0, 2))
                .resolve(ref.getSha256()), java.nio.file.attribute.FileTime.from(clock.instant().minus(Duration.ofDays(30))));
        blobs.put(stain); // the same field published again: a new record references it

        Retention.Report report = retentionWithForeign(10, reach(horizon), Set.of()).run(clock.instant());

        assertThat(report.foreign().orElseThrow().deleted()).isZero();
        assertThat(blobs.exists(ref)).isTrue();
    }

    @Test
    void shouldCollectNoForeignBlobWhenATopicKeepsItsRecordsForEver() throws Exception {
        BlobRef orphan = blobs.put(EasyFields.stains(13, 3).get(0));
        ReferenceHorizon.Reading forever = new ReferenceHorizon.Reading(java.util.Optional.empty(),
                "topic samples keeps its records for ever (retention.ms = -1)");

        clock.advance(Duration.ofDays(3650));
        Retention.Report report = retentionWithForeign(10, forever, Set.of()).run(clock.instant());

        assertThat(report.foreign()).hasValueSatisfying(f -> {
            assertThat(f.horizon()).isEmpty();
            assertThat(f.why()).contains("for ever");
            assertThat(f.deleted()).isZero();
        });
        assertThat(blobs.exists(orphan)).isTrue();
    }

    @Test
    void shouldDeleteWritesACrashInterruptedAfterTheGracePeriod() throws Exception {
        BlobRef ref = blobs.put(EasyFields.stains(14, 3).get(0));
        Path partial = Files.write(blobs.root().resolve("sha256").resolve(ref.getSha256().substring(0, 2))
                .resolve("deadbeef123.partial"), new byte[100]);

        Retention.Report early = retentionWithForeign(10, reach(Duration.ofDays(14)), Set.of()).run(clock.instant());
        clock.advance(GRACE.plusMinutes(1));
        Retention.Report late = retentionWithForeign(10, reach(Duration.ofDays(14)), Set.of()).run(clock.instant());

        assertThat(early.foreign().orElseThrow().abandonedWrites()).isZero();
        assertThat(late.foreign().orElseThrow().abandonedWrites()).isEqualTo(1);
        assertThat(partial).doesNotExist();
        assertThat(blobs.exists(ref)).isTrue();
    }

    @Test
    void ownedCollectionShouldNeverDeleteBlobsTrainingDidNotWrite() throws Exception {
        // ingest claim-checked this stain; the sample only references it
        byte[] large = EasyFields.stains(9, 3).get(1);
        BlobRef claimChecked = blobs.put(large);
        Sample sample = EasyFields.sample("s1", 1, 7);
        sample.getGreen().setContent(claimChecked);
        intake.onSample(sample);
        // something else in the shared store: a thumbnail of the results sink, a dead letter's payload
        BlobRef thumbnail = blobs.put("thumbnail".getBytes(StandardCharsets.UTF_8));
        BlobRef payload = intake.deadLetter(DeadLetterReason.OTHER, "big", new FeedbackIntake.Source(
                Topics.SAMPLES.name(), 0, 1, "k", new byte[600 * 1024])).getPayloadRef();

        clock.advance(GRACE.plusDays(30));
        Retention.Report report = retention(0).run(clock.instant());

        assertThat(report.dropped()).hasSize(1);
        assertThat(report.blobs().deleted()).as("only the three inline stains").isEqualTo(3);
        assertThat(blobs.exists(claimChecked)).isTrue();
        assertThat(blobs.exists(thumbnail)).isTrue();
        assertThat(blobs.exists(payload)).isTrue();
    }

    @Test
    void shouldKeepTheArtefactsOfTheVersionsInUseAndDeleteTheOthersAfterTheGracePeriod() throws Exception {
        Map<Long, ModelStatus> statuses = Map.of(1L, ModelStatus.PROMOTED, 2L, ModelStatus.REJECTED,
                3L, ModelStatus.PROMOTED, 4L, ModelStatus.PROMOTED, 5L, ModelStatus.CANDIDATE);
        Map<Long, ModelVersion> versions = new java.util.TreeMap<>();
        for (long v = 1; v <= 5; v++) {
            versions.put(v, version(MODEL, v, statuses.get(v), store(MODEL, "onnx" + v), store(MODEL, "ckpt" + v)));
            if (statuses.get(v) != ModelStatus.CANDIDATE) {
                registry.observe(ModelVersion.newBuilder(versions.get(v)).setStatus(ModelStatus.CANDIDATE).build());
            }
            registry.observe(versions.get(v));
        }
        // a model name this service followed before: inference may still serve it
        BlobRef otherName = store("old-name", "onnx-old");
        // a run that has stored its ONNX file but not published yet
        BlobRef unpublished = store(MODEL, "onnx6");
        Path run = runner.runsDirectory().resolve("run-6");
        Files.createDirectories(run);
        Files.writeString(run.resolve(TrainingRunner.RUNNING_MARKER), "test\n");
        Files.writeString(run.resolve("stored-blobs.txt"), unpublished.getUri() + " " + unpublished.getSha256() + " "
                + unpublished.getSize() + "\n");

        assertThat(retention(0).run(clock.instant()).blobs().deleted()).as("within the grace period").isZero();
        clock.advance(GRACE.plusMinutes(1));
        Retention.Report report = retention(0).run(clock.instant());

        assertThat(report.blobs().deleted()).as("v1 (third PROMOTED back) and v2 (REJECTED)").isEqualTo(4);
        for (long v : List.of(1L, 2L)) {
            assertThat(blobs.exists(versions.get(v).getOnnx())).as("v" + v).isFalse();
            assertThat(blobs.exists(versions.get(v).getCheckpoint())).as("v" + v).isFalse();
        }
        for (long v : List.of(3L, 4L, 5L)) {
            assertThat(blobs.exists(versions.get(v).getOnnx())).as("v" + v).isTrue();
            assertThat(blobs.exists(versions.get(v).getCheckpoint())).as("v" + v).isTrue();
        }
        assertThat(blobs.exists(otherName)).isTrue();
        assertThat(blobs.exists(unpublished)).isTrue();
    }

    @Test
    void shouldNotDeleteABlobStoredAgainWithinTheGracePeriod() throws Exception {
        Sample first = EasyFields.sample("s1", 1, 7);
        intake.onSample(first);
        clock.advance(Duration.ofDays(20));
        index.retain(0, Duration.ofDays(14), clock.millis()); // s1 dropped; its blobs are past their grace
        // the same stains come again in another sample (put finds them there and leaves their files as they are)
        intake.onSample(EasyFields.sample("s1-again", 1, 7));
        index.retain(0, Duration.ofDays(365), clock.millis()); // and that one is dropped too

        Retention.Report report = retention(0).run(clock.instant());

        assertThat(report.blobs().deleted()).as("recorded again just now").isZero();
        assertThat(allExist(refs(first))).isTrue();
        clock.advance(GRACE.plusMinutes(1));
        assertThat(retention(0).run(clock.instant()).blobs().deleted()).isEqualTo(4);
        assertThat(noneExists(refs(first))).isTrue();
    }

    @Test
    void shouldForgetALedgerEntryWhoseBlobIsGoneAndKeepTheLedgerAcrossARestart() throws Exception {
        BlobRef kept = store(MODEL, "kept");
        BlobRef gone = store(MODEL, "gone");
        blobs.delete(gone); // a failed run's clean-up
        ModelVersion champion = version(MODEL, 1, ModelStatus.PROMOTED, kept, kept);
        registry.observe(champion);
        clock.advance(GRACE.plusMinutes(1));

        Retention.Report report = retention(0).run(clock.instant());

        assertThat(report.blobs().deleted()).isZero();
        assertThat(ledger.entries()).extracting(BlobLedger.Entry::sha256).containsExactly(kept.getSha256());
        ledger.close();
        Files.writeString(data.resolve(BlobLedger.FILE + AtomicFile.TEMP_SUFFIX), "+ half a", StandardCharsets.UTF_8);
        ledger = BlobLedger.open(data, clock);
        assertThat(ledger.entries()).extracting(BlobLedger.Entry::sha256).containsExactly(kept.getSha256());
        assertThat(Files.exists(data.resolve(BlobLedger.FILE + AtomicFile.TEMP_SUFFIX))).isFalse();
    }

    @Test
    void shouldDeleteSampleCacheFoldersNoRunOfThisConfigurationReads() throws Exception {
        Path cache = data.resolve("sample-cache");
        for (String folder : List.of("s128-otsu-f2", "s64-otsu-f2", "s128-otsu-f1", "s128-mean-f2", "notes")) {
            Files.createDirectories(cache.resolve(folder));
            Files.writeString(cache.resolve(folder).resolve("samples.bin"), "x");
        }

        List<String> deleted = runner.pruneSampleCache(Set.of(128));

        assertThat(deleted).containsExactlyInAnyOrder("s64-otsu-f2", "s128-otsu-f1", "s128-mean-f2");
        assertThat(cache.resolve("s128-otsu-f2").resolve("samples.bin")).exists();
        assertThat(cache.resolve("notes")).exists();
    }

    /** Stores bytes as training does: recorded in the ledger, then put. */
    private BlobRef store(String modelName, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        synchronized (ledger) {
            ledger.record(Map.of(Sha256.hex(bytes), (long) bytes.length), BlobLedger.modelOwner(modelName));
            return blobs.put(bytes);
        }
    }

    private static ModelVersion version(String name, long version, ModelStatus status, BlobRef onnx,
            BlobRef checkpoint) {
        return ModelVersion.newBuilder()
                .setModelName(name).setVersion(version).setStatus(status).setArchitecture("tunet/in32-w16-d2")
                .setOnnx(onnx).setCheckpoint(checkpoint).setInputSize(32)
                .setThresholds(new ArrayList<>(Collections.nCopies(28, 0.5f)))
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(0.5).setMicroF1(0.5).setPrecision(0.5).setRecall(0.5)
                        .setPerClassF1(new ArrayList<>(Collections.nCopies(28, 0.5))).setValidationSize(1).build())
                .setTrainingSetSize(1).setSnapshotId("s").setCreatedAt(Instant.ofEpochMilli(1)).build();
    }

    private static FeedbackIntake.Source source() {
        return new FeedbackIntake.Source(Topics.FEEDBACK.name(), 0, 1, "k", new byte[] {1});
    }
}
