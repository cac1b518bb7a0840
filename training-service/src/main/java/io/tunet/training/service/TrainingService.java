package io.tunet.training.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.scheduler.Scheduled;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.training.TrainingDevice;
import io.tunet.core.training.TrainingCancelledException;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.feedback.FeedbackIntake;
import io.tunet.training.feedback.IntakeLoop;
import io.tunet.training.promotion.GateSettings;
import io.tunet.training.promotion.LiveGate;
import io.tunet.training.promotion.ShadowSettings;
import io.tunet.training.shadow.ShadowJudge;
import io.tunet.training.shadow.ShadowLoop;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelSigner;
import io.tunet.training.registry.ModelRegistryView;
import io.tunet.training.retention.BlobCollector;
import io.tunet.training.retention.ForeignBlobCollector;
import io.tunet.training.retention.ReferenceHorizon;
import io.tunet.training.retention.BlobLedger;
import io.tunet.training.retention.Retention;
import io.tunet.training.run.NotEnoughDataException;
import io.tunet.training.run.RunOutcome;
import io.tunet.training.run.RunProgress;
import io.tunet.training.run.RunSettings;
import io.tunet.training.run.TrainerSettings;
import io.tunet.training.run.TrainingRunner;
import io.tunet.training.run.WarmStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/**
 * The wired service: the feedback/sample intake on its own thread, the retraining triggers (new labels, a
 * schedule, a request), and at most one training run at a time on a dedicated thread.
 */
@ApplicationScoped
public class TrainingService {

    private static final Logger LOG = Logger.getLogger(TrainingService.class);
    private static final String TRIGGER_STATE = "labels-at-last-run.txt";
    private static final int HISTORY = 50;

    private final TrainingConfig config;
    private final TrainingMetrics metrics;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<RunProgress> current = new AtomicReference<>();
    private final AtomicBoolean cancel = new AtomicBoolean();
    private final Deque<RunSummary> history = new ArrayDeque<>();
    private Path dataDirectory;
    private DatasetIndex index;
    private ModelPublisher publisher;
    private TrainingRunner runner;
    private RunSettings settings;
    private IntakeLoop intake;
    private BlobLedger ledger;
    private Retention retention;
    private Admin admin;
    private Thread intakeThread;
    private ShadowLoop shadowLoop;
    private Thread shadowThread;
    private ExecutorService runs;
    private volatile long labelsAtLastRun;
    /**
     * Set as the last step of start-up. The scheduler may call {@link #checkTriggers} before start-up has finished:
     * with the index open but no run executor yet, a check found labels waiting, marked a run as current and then
     * failed to submit it, and no run started again until a restart.
     */
    private volatile boolean started;
    private volatile Instant lastRunAt;

    public TrainingService(TrainingConfig config, MeterRegistry registry) {
        this.config = config;
        this.metrics = new TrainingMetrics(registry);
    }

    void start(@Observes StartupEvent event) throws IOException, BlobStoreException {
        dataDirectory = Path.of(config.dataDir()).toAbsolutePath();
        Files.createDirectories(dataDirectory);
        settings = settings(config);
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(Path.of(config.blobStoreRoot()));
        index = DatasetIndex.open(dataDirectory);
        Map<String, Object> client = KafkaClientProperties.of(config.kafka().bootstrapServers(),
                config.kafka().properties());
        ModelRegistryView registry = ModelRegistryView.load(settings.modelName(), client, Duration.ofSeconds(60));
        publisher = new ModelPublisher(client, config.kafka().transactionalId());
        ModelSigner signer = config.signing().key().map(key -> ModelSigner.of(config.signing().keyId(), key))
                .orElse(ModelSigner.NONE);
        if (signer == ModelSigner.NONE) {
            LOG.warn("training.signing.key is not set: model versions are published unsigned, and inference "
                    + "instances that require signatures (inference.model.trusted-keys) will refuse them");
        }
        ledger = BlobLedger.open(dataDirectory, clock);
        runner = new TrainingRunner(dataDirectory, index, blobs, registry, publisher, clock, signer, ledger);
        runner.cleanUpAbandonedRuns();
        runner.pruneSampleCache(sampleSizesInUse(registry));
        TrainingConfig.Retention rules = config.retention();
        BlobCollector collector = new BlobCollector(ledger, index, blobs, settings.modelName(),
                () -> modelBlobsInUse(registry, runner), rules.blobGrace());
        Optional<ForeignBlobCollector> foreign = Optional.empty();
        if (rules.foreignBlobs()) {
            admin = Admin.create(client);
            foreign = Optional.of(new ForeignBlobCollector(blobs, ledger, index,
                    () -> BlobCollector.artefactsOf(ModelRegistryView.everyVersion(client, Duration.ofSeconds(60))),
                    () -> ReferenceHorizon.read(admin), rules.blobGrace()));
        } else {
            LOG.info("training.retention.foreign-blobs is off: the other services' blobs are never deleted");
        }
        retention = new Retention(index, ledger, collector, foreign, new Retention.Settings(rules.unlabelledMax(),
                rules.unlabelledMaxAge(), rules.forgetDroppedAfter(), rules.blobGrace(), rules.compactDeadFraction()));
        // a data folder from before replays stopped counting holds a larger count: start from the index's own
        labelsAtLastRun = Math.min(readTriggerState(), index.labelChanges());
        lastRunAt = clock.instant();
        runs = Executors.newSingleThreadExecutor(r -> new Thread(r, "training-run"));
        intake = new IntakeLoop(new FeedbackIntake(index, blobs, config.sampleWait(), clock, ledger), index, client,
                config.kafka().groupId(), config.kafka().maxAttempts(), new IntakeLoop.Listener() {
                    @Override
                    public void feedbackAccepted(DatasetIndex.LabelOutcome outcome) {
                        metrics.feedbackAccepted(outcome);
                    }

                    @Override
                    public void sampleStored() {
                        metrics.sampleStored();
                    }

                    @Override
                    public void deadLetter(DeadLetterReason reason) {
                        metrics.deadLetter(reason);
                    }

                    @Override
                    public void undecodableSample() {
                        metrics.undecodableSample();
                    }

                    @Override
                    public void gaveUp(String topic) {
                        metrics.intakeGaveUp(topic);
                    }
                });
        if (settings.gate().shadow().enabled()) {
            ShadowJudge judge = new ShadowJudge(registry, publisher, index::curatorLabels, settings.gate().shadow(),
                    clock, verdict -> metrics.version(verdict.getStatus().name().toLowerCase(java.util.Locale.ROOT)));
            metrics.liveGate(judge);
            shadowLoop = new ShadowLoop(judge, client, config.gate().shadow().judgeEvery(), clock,
                    metrics::undecodableShadowRecord);
            shadowThread = new Thread(shadowLoop, "training-live-gate");
            shadowThread.setUncaughtExceptionHandler(exitUnlessStopping(cancel::get, Quarkus::asyncExit));
            shadowThread.start();
            LOG.infof("live gate on: a challenger that passes the offline gate waits as CANDIDATE for %d "
                    + "curator-labelled shadowed samples (margin %.3f, %d positives per judged class, at most %s)",
                    settings.gate().shadow().samples(), settings.gate().shadow().margin(),
                    settings.gate().shadow().minPositives(),
                    LiveGate.format(settings.gate().shadow().maxWait()));
        }
        intakeThread = new Thread(intake, "training-intake");
        intakeThread.setUncaughtExceptionHandler(exitUnlessStopping(cancel::get, Quarkus::asyncExit));
        intakeThread.start();
        LOG.infof("training %s (%s) from %s; %d label changes in the index", settings.modelName(), settings.network(),
                dataDirectory, index.labelChanges());
        started = true;
    }

    void stop(@Observes ShutdownEvent event) throws IOException, InterruptedException {
        cancel.set(true);
        if (intake != null) {
            intake.close();
            intakeThread.join(10_000);
        }
        if (shadowLoop != null) {
            shadowLoop.close();
            shadowThread.join(10_000);
        }
        if (runs != null) {
            runs.shutdown();
            runs.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        if (publisher != null) {
            publisher.close();
        }
        if (index != null) {
            index.close();
        }
        if (ledger != null) {
            ledger.close();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** The input sizes runs read sample-cache folders of: the configured one and the champions'. */
    private Set<Integer> sampleSizesInUse(ModelRegistryView registry) {
        Set<Integer> sizes = new HashSet<>();
        sizes.add(settings.network().inputSize());
        registry.inUse().forEach(v -> sizes.add(v.getInputSize()));
        return sizes;
    }

    /** ONNX files and checkpoints of the versions in use and of runs that have not published. */
    private static Set<String> modelBlobsInUse(ModelRegistryView registry, TrainingRunner runner) {
        Set<String> inUse = BlobCollector.artefactsOf(registry.inUse());
        inUse.addAll(runner.blobsOfUnpublishedRuns());
        return inUse;
    }

    /** Drops unlabelled samples beyond the window, compacts the index and collects owned blobs (README, "Retention"). */
    @Scheduled(every = "${training.retention.every}", delayed = "${training.retention.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retain() {
        if (retention == null || cancel.get()) {
            return;
        }
        try {
            metrics.retention(retention.run(clock.instant()));
        } catch (RuntimeException e) {
            metrics.retentionFailed();
            LOG.error("retention failed; the next pass tries again", e);
        }
    }

    /**
     * The intake thread's end on an exception it did not handle: unless the service is stopping, the process
     * exits with status 1, so that a supervisor starts a fresh one that resumes from the committed offsets.
     * Before, the service stayed up taking in nothing, and only readiness said so.
     */
    static Thread.UncaughtExceptionHandler exitUnlessStopping(java.util.function.BooleanSupplier stopping,
                                                              java.util.function.IntConsumer exit) {
        return (thread, error) -> {
            if (!stopping.getAsBoolean()) {
                LOG.errorf(error, "%s died; training-service exits so that it is restarted", thread.getName());
                exit.accept(1);
            }
        };
    }

    static RunSettings settings(TrainingConfig config) {
        TrainingConfig.Model m = config.model();
        TunetConfig preset = TunetConfig.preset(m.preset());
        TunetConfig network = new TunetConfig(m.inputSize().orElse(preset.inputSize()),
                m.baseWidth().orElse(preset.baseWidth()), m.depth().orElse(preset.depth()), preset.dropout(),
                m.gatedMasks().orElse(preset.gatedMasks()));
        NetworkSpec spec = new NetworkSpec(NetworkSpec.Architecture.parse(m.architecture()), network);
        return new RunSettings(m.name(), spec, new TrainerSettings(m.epochs(), m.batchSize(),
                m.learningRate().orElse(Float.NaN), m.patience(), m.augment(), m.seed(),
                TrainingDevice.parse(m.device())), m.validationFraction(), m.gateFraction(),
                !m.warmStart() ? WarmStart.OFF : m.warmStartRequired() ? WarmStart.REQUIRED : WarmStart.PREFERRED,
                new GateSettings(config.gate().minMacroF1Gain(), config.gate().maxClassF1Drop(),
                        shadowSettings(config.gate().shadow())), m.minTrainingSamples());
    }

    /**
     * The live gate's rules.
     *
     * @throws ConfigurationException naming the property, for a value out of range: the service does not start
     */
    static ShadowSettings shadowSettings(TrainingConfig.Gate.Shadow shadow) {
        try {
            if (shadow.judgeEvery().isZero() || shadow.judgeEvery().isNegative()) {
                throw new IllegalArgumentException("judge-every must be a positive duration, got "
                        + shadow.judgeEvery());
            }
            return new ShadowSettings(shadow.samples(), shadow.margin(), shadow.minPositives(), shadow.maxWait());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage(); // "margin must be in [0, 1] ...": it starts with the setting
            String setting = message.substring(0, message.indexOf(' '));
            String property = "training.gate.shadow." + setting;
            throw new ConfigurationException(property + message.substring(setting.length())
                    + " (environment: TRAINING_GATE_SHADOW_"
                    + setting.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + ")", Set.of(property));
        }
    }

    /**
     * Starts a run unless one is in progress.
     *
     * @return the new run's id, or empty when a run is already in progress
     */
    public synchronized Optional<String> requestRun(String trigger) {
        if (current.get() != null) {
            return Optional.empty();
        }
        String runId = Instant.now(clock).toString().replace(":", "").replace(".", "") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        RunProgress progress = new RunProgress(runId, trigger, clock);
        current.set(progress);
        long labels = index.labelChanges();
        runs.submit(() -> execute(progress, runId, trigger, labels));
        return Optional.of(runId);
    }

    private void execute(RunProgress progress, String runId, String trigger, long labels) {
        String outcome;
        RunSummary summary;
        try {
            RunOutcome result = runner.run(runId, trigger, settings, progress, cancel::get);
            outcome = result.candidate().getStatus().name().toLowerCase(java.util.Locale.ROOT);
            metrics.version(outcome);
            result.superseded().forEach(v -> metrics.version(v.getStatus().name().toLowerCase(java.util.Locale.ROOT)));
            summary = RunSummary.of(result, clock.instant());
            rememberTrigger(labels);
        } catch (NotEnoughDataException e) {
            outcome = "skipped";
            summary = RunSummary.unpublished(runId, trigger, outcome, e.getMessage(), progress.elapsedSeconds(),
                    clock.instant());
            LOG.infof("run %s skipped: %s", runId, e.getMessage());
        } catch (TrainingCancelledException e) {
            outcome = "cancelled";
            summary = RunSummary.unpublished(runId, trigger, outcome, e.getMessage(), progress.elapsedSeconds(),
                    clock.instant());
            LOG.warnf("run %s %s; nothing was published", runId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "cancelled";
            summary = RunSummary.unpublished(runId, trigger, outcome, "interrupted", progress.elapsedSeconds(),
                    clock.instant());
        } catch (RuntimeException e) {
            outcome = "failed";
            summary = RunSummary.unpublished(runId, trigger, outcome, e.getMessage(), progress.elapsedSeconds(),
                    clock.instant());
            LOG.errorf(e, "run %s failed; nothing was published", runId);
        }
        metrics.run(outcome, Duration.ofMillis((long) (progress.elapsedSeconds() * 1000)));
        synchronized (this) {
            history.addFirst(summary);
            while (history.size() > HISTORY) {
                history.removeLast();
            }
            lastRunAt = clock.instant();
            current.set(null);
        }
    }

    /** Checks the label and schedule triggers. */
    @Scheduled(every = "${training.trigger.check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkTriggers() {
        if (!started || current.get() != null) {
            return;
        }
        long fresh = index.labelChanges() - labelsAtLastRun;
        int threshold = config.trigger().newLabels();
        if (threshold > 0 && fresh >= threshold) {
            requestRun(fresh + " new labels");
        } else if (fresh > 0 && config.trigger().every().isPresent()
                && Duration.between(lastRunAt, clock.instant()).compareTo(config.trigger().every().get()) >= 0) {
            requestRun("schedule (every " + config.trigger().every().get() + ", " + fresh + " new labels)");
        }
    }

    /** The running run's progress, if one is running. */
    public Optional<RunProgress.Status> current() {
        RunProgress progress = current.get();
        return progress == null ? Optional.empty() : Optional.of(progress.status());
    }

    /** Finished runs, newest first. */
    public synchronized List<RunSummary> history() {
        return List.copyOf(history);
    }

    /** Whether the intake thread is consuming. */
    public boolean consuming() {
        return intakeThread != null && intakeThread.isAlive();
    }

    private long readTriggerState() throws IOException {
        Path file = dataDirectory.resolve(TRIGGER_STATE);
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " should hold a label count, holds '" + text + "'", e);
        }
    }

    private void rememberTrigger(long labels) {
        labelsAtLastRun = labels;
        try {
            Files.writeString(dataDirectory.resolve(TRIGGER_STATE), labels + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trigger state in " + dataDirectory, e);
        }
    }
}
