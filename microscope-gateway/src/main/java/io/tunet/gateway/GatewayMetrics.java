package io.tunet.gateway;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tunet.schemas.DeadLetterReason;

/**
 * The gateway's meters (Prometheus names in brackets): files seen ({@code gateway_files_seen_total}), ignored
 * names ({@code gateway_files_ignored_total}), published ({@code gateway_files_published_total}), recognised as
 * already published after a restart ({@code gateway_files_already_published_total}), failed by reason
 * ({@code gateway_files_failed_total{reason}}, every reason from zero), gone before complete
 * ({@code gateway_files_vanished_total}), publication attempts to retry ({@code gateway_publish_retries_total}),
 * files waiting to be complete ({@code gateway_files_incomplete}), and two timers: from a file found complete to
 * its acknowledgement ({@code gateway_publish_seconds}) and from first seen to complete
 * ({@code gateway_completion_seconds}: the quiet period's cost).
 */
public final class GatewayMetrics {

    private final Counter seen;
    private final Counter ignored;
    private final Counter published;
    private final Counter alreadyPublished;
    private final Counter vanished;
    private final Counter retries;
    private final Map<DeadLetterReason, Counter> failed = new EnumMap<>(DeadLetterReason.class);
    private final Timer publish;
    private final Timer completion;
    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        seen = Counter.builder("gateway.files.seen").description("stain files seen in the watched folder")
                .register(registry);
        ignored = Counter.builder("gateway.files.ignored")
                .description("names in the watched folder that are not stain files").register(registry);
        published = Counter.builder("gateway.files.published").description("stain files published and acknowledged")
                .register(registry);
        alreadyPublished = Counter.builder("gateway.files.already.published")
                .description("files found published before a restart (journal or topic), not sent again")
                .register(registry);
        vanished = Counter.builder("gateway.files.vanished")
                .description("files that disappeared before they were complete").register(registry);
        retries = Counter.builder("gateway.publish.retries")
                .description("files whose publication failed (broker, blob store) and is retried").register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            failed.put(reason, Counter.builder("gateway.files.failed").tag("reason", reason.name())
                    .description("files moved to failed/ and dead-lettered").register(registry));
        }
        publish = Timer.builder("gateway.publish").description("from a file found complete to its acknowledgement")
                .publishPercentiles(0.5, 0.99).register(registry);
        completion = Timer.builder("gateway.completion")
                .description("from a file first seen to found complete").publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /** Registers the gauge of files waiting to be complete. */
    void incompleteFiles(Supplier<Number> count) {
        Gauge.builder("gateway.files.incomplete", count).description("files waiting to be complete")
                .register(registry);
    }

    void seen() {
        seen.increment();
    }

    void ignored() {
        ignored.increment();
    }

    void published(Duration publishLatency, Duration completionLatency) {
        published.increment();
        publish.record(publishLatency);
        completion.record(completionLatency);
    }

    void alreadyPublished() {
        alreadyPublished.increment();
    }

    void vanished() {
        vanished.increment();
    }

    void retry() {
        retries.increment();
    }

    void failed(DeadLetterReason reason) {
        failed.get(reason).increment();
    }

    public double publishedCount() {
        return published.count();
    }

    public double alreadyPublishedCount() {
        return alreadyPublished.count();
    }

    public double vanishedCount() {
        return vanished.count();
    }

    public double failedCount(DeadLetterReason reason) {
        return failed.get(reason).count();
    }

    public double seenCount() {
        return seen.count();
    }
}
