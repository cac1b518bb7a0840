package io.tunet.training.run;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.Sha256;
import io.tunet.training.retention.BlobLedger;
import io.tunet.imaging.hpa.SplitAssigner;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.training.Evaluation;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.SampleSet;
import io.tunet.core.training.TrainingCancelledException;
import io.tunet.core.training.TrainingData;
import io.tunet.core.training.TrainingListener;
import io.tunet.core.training.TrainingResult;
import io.tunet.core.training.TunetTraining;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.imaging.Channel;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.training.reference.ReferenceProfiler;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.dataset.DatasetSnapshot;
import io.tunet.training.dataset.LabelledSample;
import io.tunet.training.dataset.StoredImage;
import io.tunet.training.dataset.SampleTensors;
import io.tunet.training.promotion.GateDecision;
import io.tunet.training.promotion.LiveGate;
import io.tunet.training.promotion.PromotionGate;
import io.tunet.training.registry.CheckpointArchive;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelRegistryView;
import io.tunet.training.registry.ModelSigner;
import io.tunet.training.registry.ModelVersions;
import io.tunet.training.report.ReportData;
import io.tunet.training.report.TrainingReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * One retraining run from start to publication: snapshot the labelled data, decode it, split it by a hash
 * of the sample id, train (warm from the champion or from scratch), fit thresholds, score the champion (or
 * the class-frequency baseline) on the same validation samples, decide with the {@link PromotionGate},
 * store the ONNX file and the checkpoint in the blob store, write the report, and publish CANDIDATE plus the
 * verdict in one transaction. With the live gate on ({@link LiveGate}), a challenger that passes against a champion
 * is published as CANDIDATE only (the live judge gives its verdict later) and older waiting candidates are
 * rejected as superseded in the same transaction. The next run warm-starts from the champion (the newest PROMOTED
 * version), never from a waiting candidate.
 *
 * <p>Warm start needs nothing local: every published version carries its checkpoint in the shared blob store
 * ({@code ModelVersion.checkpoint}, a {@link CheckpointArchive}), so any instance, also a fresh one with an empty
 * data folder, starts from the champion's weights; the blob store verifies the archive's SHA-256.
 *
 * <p>Crash safety: each run works in {@code <data-dir>/runs/<run-id>/} marked {@value #RUNNING_MARKER} until
 * it is published. {@link #cleanUpAbandonedRuns()} (called on start) deletes the folders and blobs of runs
 * that died before publishing; since publication is one transaction, such a run left nothing on
 * {@code models}.
 */
public final class TrainingRunner {

    /** File marking a run folder whose run has not published yet. */
    public static final String RUNNING_MARKER = "RUNNING";
    /** File in a run folder listing the blobs the run stored, one {@code uri sha256 size} per line. */
    static final String STORED_BLOBS = "stored-blobs.txt";
    private static final Logger LOG = Logger.getLogger(TrainingRunner.class);

    private final Path dataDirectory;
    private final DatasetIndex index;
    private final BlobStore blobs;
    private final ModelRegistryView registry;
    private final ModelPublisher publisher;
    private final Clock clock;
    private final ModelSigner signer;
    private final BlobLedger ledger;

    /** A runner that publishes unsigned versions. */
    public TrainingRunner(Path dataDirectory, DatasetIndex index, BlobStore blobs, ModelRegistryView registry,
            ModelPublisher publisher, Clock clock) {
        this(dataDirectory, index, blobs, registry, publisher, clock, ModelSigner.NONE);
    }

    /** A runner that signs every version it publishes with {@code signer}. */
    public TrainingRunner(Path dataDirectory, DatasetIndex index, BlobStore blobs, ModelRegistryView registry,
            ModelPublisher publisher, Clock clock, ModelSigner signer) {
        this(dataDirectory, index, blobs, registry, publisher, clock, signer, null);
    }

    /**
     * A runner that signs with {@code signer} and records the ONNX files and checkpoints it stores in {@code
     * ledger} (owner {@code model:<name>}), so that blob garbage collection may delete those of versions no
     * longer in use; without a ledger (null) they are never collected.
     */
    public TrainingRunner(Path dataDirectory, DatasetIndex index, BlobStore blobs, ModelRegistryView registry,
            ModelPublisher publisher, Clock clock, ModelSigner signer, BlobLedger ledger) {
        this.ledger = ledger;
        this.signer = signer;
        this.dataDirectory = dataDirectory;
        this.index = index;
        this.blobs = blobs;
        this.registry = registry;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Where the run folders are. */
    public Path runsDirectory() {
        return dataDirectory.resolve("runs");
    }

    /**
     * Deletes what runs that died before publishing left behind: their folder and their ONNX blob.
     *
     * @return the ids of the runs cleaned up
     */
    public List<String> cleanUpAbandonedRuns() {
        List<String> cleaned = new ArrayList<>();
        if (!Files.isDirectory(runsDirectory())) {
            return cleaned;
        }
        try (Stream<Path> runs = Files.list(runsDirectory())) {
            for (Path run : runs.filter(r -> Files.exists(r.resolve(RUNNING_MARKER))).toList()) {
                for (BlobRef stored : storedBlobs(run)) {
                    blobs.delete(stored);
                }
                deleteRecursively(run);
                cleaned.add(run.getFileName().toString());
                LOG.warnf("cleaned up run %s, which stopped before publishing", run.getFileName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + runsDirectory(), e);
        } catch (BlobStoreException | RuntimeException e) {
            throw new IllegalStateException("cannot clean up abandoned runs in " + runsDirectory() + ": "
                    + e.getMessage(), e);
        }
        return cleaned;
    }

    /**
     * Runs a retraining.
     *
     * @param trigger what started it, for the report and the log
     * @throws NotEnoughDataException if there are too few labelled samples; nothing is published
     * @throws TrainingCancelledException if {@code cancelled} turned true; nothing is published
     */
    public RunOutcome run(String runId, String trigger, RunSettings settings, TrainingListener listener,
            BooleanSupplier cancelled) throws InterruptedException {
        long started = System.nanoTime();
        Path workspace = runsDirectory().resolve(runId);
        List<BlobRef> stored = new ArrayList<>();
        boolean published = false;
        try {
            Files.createDirectories(workspace);
            Files.writeString(workspace.resolve(RUNNING_MARKER), trigger + "\n", StandardCharsets.UTF_8);
            listener.phase("loading data");
            DatasetSnapshot snapshot = index.snapshot();
            NetworkSpec spec = settings.network();
            SampleTensors.Loaded loaded = SampleTensors.load(snapshot, blobs, sampleCache(spec.inputSize()));
            loaded.unusable().forEach(u -> LOG.warnf("run %s skips sample %s: %s", runId, u.sampleId(), u.reason()));
            writeSnapshotManifest(workspace, snapshot, loaded);
            Splits splits = split(loaded.samples(), settings);
            TrainingData data = splits.data();

            Optional<ModelVersion> champion = registry.champion();
            long version = registry.newestVersion() + 1;
            Start start = startingPoint(runId, champion, spec, settings.warmStart(), workspace);
            LOG.infof("run %s (%s): snapshot %s, %d training / %d validation / %d gate samples, version %d, %s", runId,
                    trigger, snapshot.id(), data.train().size(), data.validation().size(), splits.gate().size(), version,
                    start.description());
            TrainingResult trained = RunTrainer.train(spec, data, settings.trainer(), start.checkpoint(),
                    settings.modelName(), version, workspace, listener, cancelled);
            if (start.checkpoint() != null) {
                deleteRecursively(start.checkpoint().getParent());
            }
            checkCancelled(cancelled);

            listener.phase("scoring the champion");
            LOG.infof("run %s: validation (out-of-fold thresholds) %s", runId, trained.validation().metrics().summary());
            Evaluation.Scores gateScores = scores(trained.onnxModel(), splits.gate(), settings);
            Evaluation.Report challenger = Evaluation.report(gateScores, trained.validation().thresholds());
            MultiLabelMetrics challengerMetrics = challenger.metrics();
            LOG.infof("run %s: gate split (stored thresholds) %s", runId, challengerMetrics.summary());
            PromotionGate gate = new PromotionGate(settings.gate());
            GateDecision decision;
            MultiLabelMetrics championMetrics = null;
            MultiLabelMetrics baseline = null;
            if (champion.isPresent()) {
                championMetrics = scoreChampion(champion.get(), snapshot, splits.gate(), settings);
                decision = gate.againstChampion(challengerMetrics, championMetrics, champion.get().getVersion());
            } else {
                baseline = PromotionGate.baseline(data.train().truths(), data.validation().truths(),
                        splits.gate().truths());
                decision = gate.againstBaseline(challengerMetrics, baseline);
            }
            checkCancelled(cancelled);

            listener.phase("profiling the gate fields");
            ReferenceProfile reference = reference(snapshot, splits.gate(), gateScores, challenger.thresholds());
            checkCancelled(cancelled);

            listener.phase("publishing");
            BlobRef onnx = store(Files.readAllBytes(trained.onnxModel()), settings.modelName(), workspace, stored);
            BlobRef checkpoint = store(CheckpointArchive.pack(trained.checkpoint()), settings.modelName(), workspace,
                    stored);
            // signed once: the signature covers the identity, not the status, so the verdict carries it too
            ModelVersion candidate = signer.apply(modelVersion(settings, version, onnx, checkpoint, trained, challenger,
                    snapshot, data, champion.map(ModelVersion::getVersion).orElse(null), ModelStatus.CANDIDATE, null));
            // the reference is not signed (ModelVersion.reference): it describes the data, not what the model computes
            candidate.setReference(reference);
            LiveGate live = new LiveGate(settings.gate().shadow());
            // what the run would publish now; superseded candidates are settled again under the registry's lock
            boolean shadowable = LiveGate.shadowable(champion, candidate);
            List<ModelVersion> planned = live.afterOfflineGate(candidate, decision, shadowable, List.of(),
                    clock.instant());
            ModelVersion outcome = planned.get(planned.size() - 1);
            Path report = TrainingReport.write(workspace, new ReportData(settings.modelName(), version, runId, trigger,
                    snapshot.id(), spec, trained, start.description(),
                    data.train().labelLists(), data.validation().size(), new ReportData.Gate(splits.gate().size(),
                    challengerMetrics), champion.map(ModelVersion::getVersion).orElse(null), championMetrics,
                    baseline, decision, outcome.getStatus() == ModelStatus.CANDIDATE
                            ? "**CANDIDATE** (waiting for the live gate): " + outcome.getStatusReason() : null));
            checkCancelled(cancelled);
            List<ModelVersion> records = registry.publish(publisher, view -> live.afterOfflineGate(candidate, decision,
                    shadowable, view.waitingCandidates(), outcome.getCreatedAt()));
            published = true;
            ModelVersion verdict = records.stream().filter(r -> r.getVersion() == version).reduce((a, b) -> b)
                    .orElseThrow();
            records.stream().filter(r -> r.getVersion() != version).forEach(r -> LOG.infof("run %s: v%d %s: %s",
                    runId, r.getVersion(), r.getStatus(), r.getStatusReason()));
            Files.delete(workspace.resolve(RUNNING_MARKER));
            // both are in the blob store now, where retention keeps or removes them; the folder keeps the report
            Files.deleteIfExists(trained.onnxModel());
            deleteRecursively(trained.checkpoint().getParent());
            LOG.infof("run %s: v%d %s: %s", runId, version, verdict.getStatus(), verdict.getStatusReason());
            return new RunOutcome(runId, trigger, verdict, records.stream().filter(r -> r.getVersion() != version)
                    .toList(), report, (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("run " + runId + " failed: " + e.getMessage(), e);
        } catch (BlobStoreException e) {
            throw new IllegalStateException("run " + runId + " cannot store its model: " + e.getMessage(), e);
        } finally {
            if (!published) {
                abandon(workspace, stored);
            }
        }
    }

    private static void checkCancelled(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new TrainingCancelledException("cancelled before publishing");
        }
    }

    /** Stores bytes in the blob store and lists the reference in the run folder, for the clean-up of a dead run. */
    private BlobRef store(byte[] bytes, String modelName, Path workspace, List<BlobRef> stored)
            throws IOException, BlobStoreException {
        BlobRef ref;
        if (ledger == null) {
            ref = blobs.put(bytes);
        } else {
            synchronized (ledger) {
                ledger.record(Map.of(Sha256.hex(bytes), (long) bytes.length), BlobLedger.modelOwner(modelName));
                ref = blobs.put(bytes);
            }
        }
        stored.add(ref);
        Files.writeString(workspace.resolve(STORED_BLOBS), ref.getUri() + " " + ref.getSha256() + " " + ref.getSize()
                + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return ref;
    }

    /**
     * The SHA-256 of every blob stored by runs that have not published yet (this process's, or ones that died
     * and are cleaned up on the next start): not yet referenced by any version, but not garbage either.
     */
    public Set<String> blobsOfUnpublishedRuns() {
        Set<String> result = new HashSet<>();
        if (!Files.isDirectory(runsDirectory())) {
            return result;
        }
        try (Stream<Path> runs = Files.list(runsDirectory())) {
            for (Path run : runs.filter(r -> Files.exists(r.resolve(RUNNING_MARKER))).toList()) {
                storedBlobs(run).forEach(ref -> result.add(ref.getSha256()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the runs in " + runsDirectory(), e);
        }
        return result;
    }

    private static List<BlobRef> storedBlobs(Path run) throws IOException {
        Path file = run.resolve(STORED_BLOBS);
        List<BlobRef> refs = new ArrayList<>();
        if (!Files.exists(file)) {
            return refs;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 3) {
                refs.add(BlobRef.newBuilder().setUri(parts[0]).setSha256(parts[1]).setSize(Long.parseLong(parts[2]))
                        .build());
            }
        }
        return refs;
    }

    private void abandon(Path workspace, List<BlobRef> stored) {
        try {
            for (BlobRef ref : stored) {
                blobs.delete(ref);
            }
            deleteRecursively(workspace);
        } catch (IOException | BlobStoreException e) {
            LOG.warnf("could not remove the files of an unpublished run in %s (the next start retries): %s", workspace,
                    e.getMessage());
        }
    }

    /** The trainer's splits and the gate split, held out from all of the training. */
    private record Splits(TrainingData data, SampleSet gate) {
    }

    /**
     * Splits by the place of each id on {@link SplitAssigner#position}'s scale: validation below the validation
     * fraction, gate in the next gate fraction, training above. Fixed by the id alone, so the gate samples of one
     * run were held out of every earlier run with the same fractions too, the champion's included.
     */
    private static Splits split(SampleSet samples, RunSettings settings) {
        IntStream.Builder train = IntStream.builder();
        IntStream.Builder validation = IntStream.builder();
        IntStream.Builder gate = IntStream.builder();
        for (int i = 0; i < samples.size(); i++) {
            double position = SplitAssigner.position(samples.id(i));
            (position < settings.validationFraction() ? validation
                    : position < settings.validationFraction() + settings.gateFraction() ? gate : train).add(i);
        }
        SampleSet trainSet = samples.subset(train.build().toArray());
        SampleSet validationSet = samples.subset(validation.build().toArray());
        SampleSet gateSet = samples.subset(gate.build().toArray());
        if (trainSet.size() < settings.minTrainingSamples() || validationSet.size() == 0 || gateSet.size() == 0) {
            throw new NotEnoughDataException("need at least " + settings.minTrainingSamples()
                    + " labelled training samples, one validation and one gate sample, have " + trainSet.size() + ", "
                    + validationSet.size() + " and " + gateSet.size());
        }
        return new Splits(new TrainingData(trainSet, validationSet, settings.network().inputSize()), gateSet);
    }

    /**
     * The sample cache of this service at one input size, under {@code <data-dir>/sample-cache}: each stored sample
     * is decoded once across retrainings, and a run reads a batch at a time.
     */
    private SampleCache sampleCache(int size) throws IOException {
        return SampleCache.open(sampleCacheRoot(), size, ThresholdMethod.OTSU);
    }

    private Path sampleCacheRoot() {
        return dataDirectory.resolve("sample-cache");
    }

    /**
     * Deletes the sample-cache folders no run of this configuration reads: other input sizes than {@code
     * sizesInUse} (the configured one, the champion's), other mask thresholds, other cache formats. Call while no
     * run is in progress (at start). The folders in use still only grow (see the README, "Retention").
     *
     * @return the folders deleted
     */
    public List<String> pruneSampleCache(Set<Integer> sizesInUse) {
        List<String> deleted = new ArrayList<>();
        if (!Files.isDirectory(sampleCacheRoot())) {
            return deleted;
        }
        Set<String> kept = new HashSet<>();
        for (int size : sizesInUse) {
            try {
                kept.add(sampleCache(size).folder().getFileName().toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the sample cache in " + sampleCacheRoot(), e);
            }
        }
        try (Stream<Path> folders = Files.list(sampleCacheRoot())) {
            for (Path folder : folders.toList()) {
                String name = folder.getFileName().toString();
                if (Files.isDirectory(folder) && name.matches("s\\d+-[a-z_]+-f\\d+") && !kept.contains(name)) {
                    deleteRecursively(folder);
                    deleted.add(name);
                    LOG.infof("deleted sample-cache folder %s: no run of this configuration reads it", name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prune the sample cache in " + sampleCacheRoot(), e);
        }
        return deleted;
    }

    /**
     * Where this run's weights start, and why. The champion's checkpoint comes from the shared blob store, verified
     * by its SHA-256; a champion of another network means a deliberate change of network, so training starts
     * from scratch.
     *
     * @throws WarmStartUnavailableException if the checkpoint cannot be had and {@link WarmStart#REQUIRED}
     */
    private Start startingPoint(String runId, Optional<ModelVersion> champion, NetworkSpec spec, WarmStart policy,
            Path workspace) {
        if (policy == WarmStart.OFF) {
            return new Start(null, "trained from scratch (warm start is off)");
        }
        if (champion.isEmpty()) {
            return new Start(null, "trained from scratch (no champion yet)");
        }
        long version = champion.get().getVersion();
        BlobRef ref = champion.get().getCheckpoint();
        try {
            if (ref == null) {
                throw new IOException("its record carries no checkpoint (published before checkpoints were shared)");
            }
            Path params = CheckpointArchive.unpack(blobs.get(ref), workspace.resolve("champion-v" + version));
            NetworkSpec trained = TunetTraining.checkpointSpec(params);
            if (!trained.equals(spec)) {
                LOG.infof("run %s trains from scratch: champion v%d is another network (%s)", runId, version, trained);
                return new Start(null, "trained from scratch (champion v" + version + " is another network: "
                        + trained + ")");
            }
            return new Start(params, "warm start from champion v" + version
                    + " (checkpoint sha256 " + ref.getSha256().substring(0, 12) + "…)");
        } catch (IOException | BlobStoreException e) {
            String why = "the checkpoint of champion v" + version + " cannot be used: " + e.getMessage();
            if (policy == WarmStart.REQUIRED) {
                throw new WarmStartUnavailableException("run " + runId + " stops: " + why
                        + " (warm start is required)", e);
            }
            LOG.warnf("run %s trains from scratch: %s", runId, why);
            return new Start(null, "trained from scratch: " + why);
        }
    }

    /** A run's initial checkpoint (null: fresh weights) and a line for the log and the report. */
    private record Start(Path checkpoint, String description) {
    }

    private MultiLabelMetrics scoreChampion(ModelVersion champion, DatasetSnapshot snapshot, SampleSet gate,
            RunSettings settings) throws IOException, InterruptedException {
        SampleSet samples = gate;
        if (champion.getInputSize() != settings.network().inputSize()) {
            java.util.Set<String> ids = new java.util.HashSet<>(gate.ids());
            DatasetSnapshot subset = DatasetSnapshot.of(snapshot.samples().stream()
                    .filter(s -> ids.contains(s.sampleId())).toList());
            samples = SampleTensors.load(subset, blobs, sampleCache(champion.getInputSize())).samples();
        }
        Path file = Files.createTempFile("champion-v" + champion.getVersion() + "-", ".onnx");
        try {
            Files.write(file, blobs.get(champion.getOnnx()));
            float[] thresholds = new float[champion.getThresholds().size()];
            for (int c = 0; c < thresholds.length; c++) {
                thresholds[c] = champion.getThresholds().get(c);
            }
            return Evaluation.report(scores(file, samples, settings), thresholds).metrics();
        } catch (BlobStoreException e) {
            throw new IllegalStateException("champion v" + champion.getVersion() + " cannot be scored: "
                    + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** An exported model's outputs on samples, through ONNX Runtime as inference runs it. */
    private static Evaluation.Scores scores(Path onnx, SampleSet samples, RunSettings settings) {
        try (OnnxTunet model = OnnxTunet.load(onnx); OnnxTunet.Session session = model.newSession()) {
            return Evaluation.score(samples, model.metadata().inputSize(), settings.trainer().batchSize(),
                    session::predict);
        }
    }

    /**
     * The drift reference of the new version: the field QC of at most {@value ReferenceProfiler#MAX_FIELDS} gate
     * fields (their stains fetched and decoded again, as inference decodes them) and its predictions on all gate
     * fields.
     */
    private ReferenceProfile reference(DatasetSnapshot snapshot, SampleSet gate, Evaluation.Scores scores,
            float[] thresholds) throws InterruptedException {
        Set<String> ids = new HashSet<>(gate.ids());
        Map<String, ReferenceProfiler.Field> fields = new HashMap<>();
        for (LabelledSample sample : snapshot.samples()) {
            if (ids.contains(sample.sampleId())) {
                fields.put(sample.sampleId(), () -> decode(sample));
            }
        }
        return ReferenceProfiler.profile(fields, scores.probabilities(), thresholds,
                "gate split of snapshot " + snapshot.id());
    }

    private Map<Channel, GrayImage> decode(LabelledSample sample) throws BlobStoreException, ImageDecodeException {
        List<byte[]> encoded = new ArrayList<>(4);
        for (StoredImage image : sample.stains()) {
            encoded.add(blobs.get(image.toBlobRef()));
        }
        GrayImage[] decoded = SampleTensors.decode(encoded);
        Map<Channel, GrayImage> stains = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            stains.put(channel, decoded[channel.ordinal()]);
        }
        return stains;
    }

    /** The published record: its metrics are the gate split's, at the thresholds it stores. */
    private ModelVersion modelVersion(RunSettings settings, long version, BlobRef onnx, BlobRef checkpoint,
            TrainingResult trained, Evaluation.Report gate, DatasetSnapshot snapshot, TrainingData data, Long parent,
            ModelStatus status, String reason) {
        return ModelVersions.of(settings.modelName(), version, new ModelVersions.Trained(settings.network(), onnx,
                checkpoint, trained.validation().thresholds(), gate.metrics(), gate.meanDice(), gate.samples(),
                data.train().size(), snapshot.id()), parent, status, reason, clock.instant());
    }

    private static void writeSnapshotManifest(Path workspace, DatasetSnapshot snapshot, SampleTensors.Loaded loaded)
            throws IOException {
        StringBuilder csv = new StringBuilder("# snapshot " + snapshot.id() + "\nsampleId,labels,labelledAt,used\n");
        java.util.Set<String> skipped = new java.util.HashSet<>();
        loaded.unusable().forEach(u -> skipped.add(u.sampleId()));
        snapshot.samples().forEach(s -> csv.append(s.sampleId()).append(',')
                .append(Arrays.stream(s.labels()).mapToObj(Integer::toString).reduce((a, b) -> a + " " + b).orElse(""))
                .append(',').append(s.labelledAt()).append(',').append(!skipped.contains(s.sampleId())).append('\n'));
        Files.writeString(workspace.resolve("snapshot.csv"), csv, StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
