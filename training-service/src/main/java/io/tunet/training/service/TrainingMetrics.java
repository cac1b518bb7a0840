package io.tunet.training.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.training.dataset.DatasetIndex;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import io.tunet.training.retention.Retention;

/** The service's Prometheus metrics. */
public final class TrainingMetrics {

    private final MeterRegistry registry;
    private final AtomicLong labelledSamples = new AtomicLong();
    private final AtomicLong unlabelledSamples = new AtomicLong();
    private final AtomicLong ownedBlobs = new AtomicLong();
    private final AtomicLong ownedBlobBytes = new AtomicLong();
    private final AtomicLong indexLines = new AtomicLong();
    private final AtomicLong foreignBlobs = new AtomicLong();
    private final AtomicLong foreignBlobBytes = new AtomicLong();
    private final AtomicLong foreignHorizonSeconds = new AtomicLong(-1);

    public TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("training.retention.samples", labelledSamples, AtomicLong::get)
                .description("Samples whose images are kept, labelled (trained on) or unlabelled (the window)")
                .tag("state", "labelled").register(registry);
        Gauge.builder("training.retention.samples", unlabelledSamples, AtomicLong::get)
                .description("Samples whose images are kept, labelled (trained on) or unlabelled (the window)")
                .tag("state", "unlabelled").register(registry);
        Gauge.builder("training.retention.owned.blobs", ownedBlobs, AtomicLong::get)
                .description("Blobs training wrote and keeps (stains that came inline, ONNX files, checkpoints)")
                .register(registry);
        Gauge.builder("training.retention.owned.blob.bytes", ownedBlobBytes, AtomicLong::get)
                .description("Bytes of the blobs training wrote and keeps").register(registry);
        Gauge.builder("training.retention.index.lines", indexLines, AtomicLong::get)
                .description("Lines of index.jsonl (compaction removes the dead ones)").register(registry);
        Gauge.builder("training.retention.foreign.blobs", foreignBlobs, AtomicLong::get)
                .description("Blobs of the other services (claim-checked stains, dead-letter payloads) kept: within "
                        + "the topics' reach or referenced by a model version").register(registry);
        Gauge.builder("training.retention.foreign.blob.bytes", foreignBlobBytes, AtomicLong::get)
                .description("Bytes of the other services' blobs kept").register(registry);
        Gauge.builder("training.retention.foreign.horizon.seconds", foreignHorizonSeconds, AtomicLong::get)
                .description("How long after their last write the other services' blobs are kept, grace excluded "
                        + "(read from the topics' retention); -1: none (a topic keeps records for ever, or the "
                        + "collection is off), nothing is collected").register(registry);
    }

    /** A retention pass finished. */
    public void retention(Retention.Report report) {
        Counter.builder("training.retention.samples.dropped")
                .description("Unlabelled samples whose images retention dropped").register(registry)
                .increment(report.dropped().size());
        Counter.builder("training.retention.blobs.deleted").description("Owned blobs deleted by garbage collection")
                .register(registry).increment(report.blobs().deleted());
        Counter.builder("training.retention.blob.bytes.deleted")
                .description("Bytes of owned blobs deleted by garbage collection").register(registry)
                .increment(report.blobs().bytesDeleted());
        if (report.indexCompacted()) {
            Counter.builder("training.retention.index.compactions").description("Rewrites of index.jsonl")
                    .register(registry).increment();
        }
        labelledSamples.set(report.index().labelled());
        unlabelledSamples.set(report.index().unlabelled());
        ownedBlobs.set(report.blobs().kept());
        ownedBlobBytes.set(report.blobs().bytesKept());
        indexLines.set(report.index().lines());
        report.foreign().ifPresent(foreign -> {
            Counter.builder("training.retention.foreign.blobs.deleted")
                    .description("Blobs of the other services deleted beyond the topics' reach").register(registry)
                    .increment(foreign.deleted());
            Counter.builder("training.retention.foreign.blob.bytes.deleted")
                    .description("Bytes of the other services' blobs deleted").register(registry)
                    .increment(foreign.bytesDeleted());
            Counter.builder("training.retention.abandoned.writes.deleted")
                    .description("Temporary files of blob writes a crash interrupted, deleted").register(registry)
                    .increment(foreign.abandonedWrites());
            foreignBlobs.set(foreign.kept());
            foreignBlobBytes.set(foreign.bytesKept());
            foreignHorizonSeconds.set(foreign.horizon().map(Duration::toSeconds).orElse(-1L));
        });
    }

    /** A retention pass failed (logged with its cause); the next one tries again. */
    public void retentionFailed() {
        Counter.builder("training.retention.failures").description("Retention passes that failed").register(registry)
                .increment();
    }

    /** A run finished with {@code outcome}: promoted, rejected, failed, cancelled or skipped. */
    public void run(String outcome, Duration duration) {
        Counter.builder("training.runs").description("Training runs by outcome").tag("outcome", outcome)
                .register(registry).increment();
        Timer.builder("training.run.duration").description("Wall time of training runs").tag("outcome", outcome)
                .register(registry).record(duration);
    }

    /**
     * A version was published with this status: promoted or rejected (by a run, or by the live gate: its verdict,
     * a candidate superseded or out of time), or candidate (a run's challenger waiting for the live gate).
     */
    public void version(String status) {
        Counter.builder("training.model.versions").description("Model versions published by status")
                .tag("status", status).register(registry).increment();
    }

    /** Feedback was accepted; the tag says what it did: changed, unchanged, waiting, duplicate (a replay). */
    public void feedbackAccepted(DatasetIndex.LabelOutcome outcome) {
        Counter.builder("training.feedback.accepted").description("Feedback records accepted, by what they did")
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry).increment();
    }

    /** A sample's images were stored. */
    public void sampleStored() {
        Counter.builder("training.samples.stored").description("Samples stored for training").register(registry)
                .increment();
    }

    /** A record went to the dead-letter topic. */
    public void deadLetter(DeadLetterReason reason) {
        Counter.builder("training.dead.letters").description("Records sent to feedback-dlq by reason")
                .tag("reason", reason.name()).register(registry).increment();
    }

    /** A record of {@code topic} failed every attempt of the intake and went to feedback-dlq. */
    public void intakeGaveUp(String topic) {
        Counter.builder("training.intake.records.failed")
                .description("Records the intake gave up on after their attempts, by source topic")
                .tag("topic", topic).register(registry).increment();
    }

    /**
     * Follows the live gate: {@code training_live_gate_waiting_candidates} (versions waiting as CANDIDATE) and
     * {@code training_live_gate_labelled_samples} (curator-labelled shadowed samples of the newest of them, served
     * by the current champion; 0 when none waits), as of the judge's last judgement.
     */
    public void liveGate(io.tunet.training.shadow.ShadowJudge judge) {
        Gauge.builder("training.live.gate.waiting.candidates", judge, j -> j.waiting().size())
                .description("Model versions waiting as CANDIDATE for the live gate's verdict").register(registry);
        Gauge.builder("training.live.gate.labelled.samples", judge,
                j -> j.waiting().isEmpty() ? 0 : j.waiting().get(j.waiting().size() - 1).labelled())
                .description("Curator-labelled shadowed samples of the newest waiting candidate (served by the "
                        + "current champion)").register(registry);
        Gauge.builder("training.live.gate.shadowed.samples", judge,
                j -> j.waiting().isEmpty() ? 0 : j.waiting().get(j.waiting().size() - 1).shadowed())
                .description("Shadowed samples of the newest waiting candidate, labelled or not").register(registry);
    }

    /** A record of classifications-shadow could not be decoded (left out of the live gate). */
    public void undecodableShadowRecord() {
        Counter.builder("training.live.gate.records.undecodable")
                .description("Records of classifications-shadow that did not decode").register(registry).increment();
    }

    /** A sample record could not be decoded (inference dead-letters it on samples-dlq). */
    public void undecodableSample() {
        Counter.builder("training.samples.undecodable").description("Sample records that did not decode")
                .register(registry).increment();
    }
}
