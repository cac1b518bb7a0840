package io.tunet.ingest.assembly;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tunet.schemas.DeadLetterReason;

/**
 * The assembly's counters, registered up front so every one (each dead-letter reason included) is visible at
 * zero before anything happens. Names as Prometheus shows them: {@code ingest_acquisitions_received_total},
 * {@code ingest_samples_assembled_total}, {@code ingest_samples_incomplete_total},
 * {@code ingest_duplicates_total{kind}}, {@code ingest_acquisitions_late_total},
 * {@code ingest_claim_checks_total}, {@code ingest_dead_letters_total{reason}},
 * {@code ingest_sample_assembly_seconds} (first to last stain, wall clock).
 */
public final class IngestMetrics {

    private final Counter received;
    private final Counter assembled;
    private final Counter incomplete;
    private final Counter identicalDuplicates;
    private final Counter conflictingDuplicates;
    private final Counter late;
    private final Counter claimChecks;
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final Timer assembly;

    public IngestMetrics(MeterRegistry registry) {
        received = Counter.builder("ingest.acquisitions.received").description("Acquisition records read")
                .register(registry);
        assembled = Counter.builder("ingest.samples.assembled").description("Complete samples emitted")
                .register(registry);
        incomplete = Counter.builder("ingest.samples.incomplete")
                .description("Samples emitted as incomplete after the timeout").register(registry);
        identicalDuplicates = duplicates(registry, "identical");
        conflictingDuplicates = duplicates(registry, "conflicting");
        late = Counter.builder("ingest.acquisitions.late")
                .description("Stains that arrived after their sample was closed").register(registry);
        claimChecks = Counter.builder("ingest.claim.checks")
                .description("Inline images moved to the blob store").register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(reason, Counter.builder("ingest.dead.letters").tag("reason", reason.name())
                    .description("Acquisitions sent to the dead-letter topic").register(registry));
        }
        assembly = Timer.builder("ingest.sample.assembly").description("Wall time from first to last stain")
                .register(registry);
    }

    private static Counter duplicates(MeterRegistry registry, String kind) {
        return Counter.builder("ingest.duplicates").tag("kind", kind)
                .description("Stains that arrived more than once for one sample").register(registry);
    }

    void received() {
        received.increment();
    }

    void assembled(Duration firstToLast) {
        assembled.increment();
        assembly.record(firstToLast);
    }

    void incomplete() {
        incomplete.increment();
    }

    void duplicate(boolean identical) {
        (identical ? identicalDuplicates : conflictingDuplicates).increment();
    }

    void late() {
        late.increment();
    }

    void claimCheck() {
        claimChecks.increment();
    }

    void deadLetter(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }
}
