package io.tunet.inference.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's meters. On {@code /q/metrics} (Prometheus) they read: {@code inference_samples_total}
 * (its rate is samples/s), {@code inference_samples_isolated_total}, {@code inference_stage_seconds{stage=…}}
 * (histograms per stage), {@code inference_batch_size}, {@code inference_model_version},
 * {@code inference_device_info{device=…,requested=…,providers=…}}, {@code inference_device_nodes{provider=…}},
 * {@code inference_device_fallback}, {@code inference_device_fallbacks_total},
 * {@code inference_models_refused_total{reason=…}}, {@code inference_dead_letters_total{reason=…}} and
 * {@code inference_in_flight}. The device meters describe the model serving now, as read back from ONNX Runtime.
 * Shadow models (issue #19 §3): {@code inference_shadow_samples_total}, {@code inference_shadow_failures_total},
 * {@code inference_shadow_model_version}, {@code inference_shadow_model_seconds} and
 * {@code inference_shadow_models_refused_total{reason=…}}.
 */
public final class InferenceMetrics {

    /** Pipeline stages with a latency histogram. */
    public enum Stage {
        /** From poll to the start of decoding, and from decoded to batched. */
        QUEUE,
        /** Record, blob and image decoding plus preprocessing. */
        DECODE,
        /** One ONNX Runtime batch. */
        INFER,
        /** Thresholds, mask cleaning and run-length encoding for a batch. */
        POSTPROCESS,
        /** From send to the broker's acknowledgement of a sample's outputs. */
        PUBLISH
    }

    private final MeterRegistry registry;
    private final Counter samples;
    private final Counter isolated;
    private final Counter qcMissing;
    private final Counter crashSuspects;
    private final Counter thumbnailMissing;
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);
    private final DistributionSummary batchSize;
    private final AtomicLong modelVersion = new AtomicLong(-1);
    private final AtomicLong deviceFallback = new AtomicLong();
    private final MultiGauge deviceInfo;
    private final MultiGauge deviceNodes;
    private final Counter deviceFallbacks;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Counter shadowSamples;
    private final Counter shadowFailures;
    private final Timer shadowModel;
    private final AtomicLong shadowVersion = new AtomicLong();
    private final Map<String, Counter> shadowRefused = new ConcurrentHashMap<>();

    /** Registers the meters in {@code registry}. */
    public InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.samples = Counter.builder("inference.samples")
                .description("Samples classified, outputs acknowledged").register(registry);
        this.isolated = Counter.builder("inference.samples.isolated")
                .description("Samples the model failed on alone while answering others of their batch, "
                        + "dead-lettered").register(registry);
        this.qcMissing = Counter.builder("inference.qc.missing")
                .description("Samples classified without field QC because it could not be computed").register(registry);
        this.crashSuspects = Counter.builder("inference.crash.suspects.dead.lettered")
                .description("Samples dead-lettered because the process died while working on them as often as "
                        + "inference.pipeline.crash-limit allows").register(registry);
        this.thumbnailMissing = Counter.builder("inference.thumbnail.missing")
                .description("Samples classified without a thumbnail because it could not be made (the results sink "
                        + "then decodes the stains for it)").register(registry);
        for (Stage stage : Stage.values()) {
            stages.put(stage, Timer.builder("inference.stage")
                    .description("Latency of one pipeline stage")
                    .tag("stage", stage.name().toLowerCase(java.util.Locale.ROOT))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry));
        }
        this.batchSize = DistributionSummary.builder("inference.batch.size")
                .description("Samples per model call").serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
                .register(registry);
        Gauge.builder("inference.model.version", modelVersion, AtomicLong::get)
                .description("Version of the model serving now, -1 before the first").register(registry);
        Gauge.builder("inference.device.fallback", deviceFallback, AtomicLong::get)
                .description("1 while the serving model runs on the CPU although a GPU was wanted").register(registry);
        this.deviceInfo = MultiGauge.builder("inference.device.info")
                .description("The serving model: device its ONNX Runtime session runs on, device asked for, "
                        + "execution providers that ran its nodes")
                .register(registry);
        this.deviceNodes = MultiGauge.builder("inference.device.nodes")
                .description("Nodes of the serving model each ONNX Runtime execution provider ran in a profiled "
                        + "inference")
                .register(registry);
        this.deviceFallbacks = Counter.builder("inference.device.fallbacks")
                .description("Model versions that started serving on the CPU although a GPU was wanted")
                .register(registry);
        this.shadowSamples = Counter.builder("inference.shadow.samples")
                .description("Samples the shadow model also ran on, their shadow records acknowledged")
                .register(registry);
        this.shadowFailures = Counter.builder("inference.shadow.failures")
                .description("Samples picked for shadowing that got no shadow record: the shadow model threw on "
                        + "their batch or the record could not be published (their served results are not affected)")
                .register(registry);
        this.shadowModel = Timer.builder("inference.shadow.model")
                .description("One shadow model call on the shadowed samples of a batch, added to the batch's time")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        Gauge.builder("inference.shadow.model.version", shadowVersion, AtomicLong::get)
                .description("Version of the model shadowed now, 0 when none").register(registry);
    }

    /** Counts samples whose shadow records the broker acknowledged. */
    public void shadowed(int count) {
        shadowSamples.increment(count);
    }

    /** Shadowed samples so far. */
    public double shadowedSamples() {
        return shadowSamples.count();
    }

    /** Counts samples picked for shadowing that got no shadow record. */
    public void shadowFailed(int count) {
        shadowFailures.increment(count);
    }

    /** Samples picked for shadowing that got no shadow record, so far. */
    public double shadowFailures() {
        return shadowFailures.count();
    }

    /** Records one shadow model call. */
    public void shadowModel(long nanos) {
        shadowModel.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The timer of the shadow model's calls (for reports). */
    public Timer shadowModelTimer() {
        return shadowModel;
    }

    /** The version shadowed now, 0 for none. */
    public void shadowVersion(long version) {
        shadowVersion.set(version);
    }

    /** The version shadowed now, 0 if none. */
    public long shadowVersion() {
        return shadowVersion.get();
    }

    /** Counts a version that was not shadowed because it failed a check or its load, by reason. */
    public void shadowRefused(String reason) {
        shadowRefused.computeIfAbsent(reason, r -> Counter.builder("inference.shadow.models.refused")
                .description("Candidate versions not shadowed because they failed a check or their load (the "
                        + "champion is not affected)").tag("reason", r).register(registry)).increment();
    }

    /** Versions refused as shadows so far with this reason. */
    public double shadowsRefused(String reason) {
        Counter counter = shadowRefused.get(reason);
        return counter == null ? 0 : counter.count();
    }

    /** Counts samples whose outputs the broker acknowledged. */
    public void samplesDone(int count) {
        samples.increment(count);
    }

    /** Total samples done so far. */
    public double samplesDone() {
        return samples.count();
    }

    /** Counts a sample the model failed on alone, isolated from its batch and dead-lettered. */
    public void sampleIsolated() {
        isolated.increment();
    }

    /** Samples isolated so far. */
    public double samplesIsolated() {
        return isolated.count();
    }

    /** Counts a sample that is classified without field QC, because QC could not be computed for it. */
    public void qcMissing() {
        qcMissing.increment();
    }

    /** Counts a sample dead-lettered because the process died while working on it as often as the limit allows. */
    public void crashSuspectDeadLettered() {
        crashSuspects.increment();
    }

    /** Samples classified without QC so far. */
    public double qcMissingCount() {
        return qcMissing.count();
    }

    /** Counts a sample that is classified without a thumbnail, because it could not be made. */
    public void thumbnailMissing() {
        thumbnailMissing.increment();
    }

    /** Samples classified without a thumbnail so far. */
    public double thumbnailMissingCount() {
        return thumbnailMissing.count();
    }

    /** Records one stage's latency. */
    public void stage(Stage stage, long nanos) {
        stages.get(stage).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The timer of a stage (for reports). */
    public Timer stageTimer(Stage stage) {
        return stages.get(stage);
    }

    /** Records the size of one model call. */
    public void batch(int size) {
        batchSize.record(size);
    }

    /** The version now serving. */
    public void activeModel(long version) {
        modelVersion.set(version);
    }

    /** The version now serving, -1 if none. */
    public long activeModel() {
        return modelVersion.get();
    }

    /**
     * Reports where the model that starts serving now runs, as read back from ONNX Runtime, and counts it if it is a
     * CPU fallback. Replaces what was reported for the previous model.
     *
     * @param device the device its session runs on
     * @param requested the device asked for
     * @param fallback whether a GPU was wanted and it runs on the CPU
     * @param nodesPerProvider nodes each execution provider ran in a profiled inference
     */
    public void placement(String device, String requested, boolean fallback, Map<String, Integer> nodesPerProvider) {
        Tags tags = Tags.of("device", device, "requested", requested, "providers",
                String.join(",", nodesPerProvider.keySet()));
        deviceInfo.register(List.of(MultiGauge.Row.of(tags, 1)), true);
        deviceNodes.register(nodesPerProvider.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("provider", e.getKey()), e.getValue()))
                .toList(), true);
        deviceFallback.set(fallback ? 1 : 0);
        if (fallback) {
            deviceFallbacks.increment();
        }
    }

    /** Whether the serving model runs on the CPU although a GPU was wanted. */
    public boolean deviceFallback() {
        return deviceFallback.get() == 1;
    }

    /** Model versions that started serving on the CPU although a GPU was wanted, so far. */
    public double deviceFallbacks() {
        return deviceFallbacks.count();
    }

    /** Counts a model version that was refused, by reason. */
    public void modelRefused(String reason) {
        refused.computeIfAbsent(reason, r -> Counter.builder("inference.models.refused")
                .description("Model versions refused (current model kept serving)").tag("reason", r)
                .register(registry)).increment();
    }

    /** Model versions refused so far, all reasons. */
    public double modelsRefused() {
        return refused.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Counts a sample sent to the dead-letter topic, by reason. */
    public void deadLetter(String reason) {
        deadLetters.computeIfAbsent(reason, r -> Counter.builder("inference.dead.letters")
                .description("Samples sent to samples-dlq").tag("reason", r).register(registry)).increment();
    }

    /** Samples dead-lettered so far with this reason. */
    public double deadLetters(String reason) {
        Counter counter = deadLetters.get(reason);
        return counter == null ? 0 : counter.count();
    }

    /** Registers a gauge of the samples in flight. */
    public void inFlight(java.util.function.Supplier<Number> value) {
        Gauge.builder("inference.in.flight", value).description("Samples polled and not yet acknowledged")
                .register(registry);
    }
}
