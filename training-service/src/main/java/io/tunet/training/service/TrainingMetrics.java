package io.tunet.training.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.training.dataset.DatasetIndex;
import java.time.Duration;
import java.util.Locale;

/** The service's Prometheus metrics. */
public final class TrainingMetrics {

    private final MeterRegistry registry;

    public TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A run finished with {@code outcome}: promoted, rejected, failed, cancelled or skipped. */
    public void run(String outcome, Duration duration) {
        Counter.builder("training.runs").description("Training runs by outcome").tag("outcome", outcome)
                .register(registry).increment();
        Timer.builder("training.run.duration").description("Wall time of training runs").tag("outcome", outcome)
                .register(registry).record(duration);
    }

    /** A version was published with this status (promoted, rejected). */
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

    /** A sample record could not be decoded (inference dead-letters it on samples-dlq). */
    public void undecodableSample() {
        Counter.builder("training.samples.undecodable").description("Sample records that did not decode")
                .register(registry).increment();
    }
}
