package io.tunet.inference.pipeline;

import io.tunet.core.masks.MaskPostProcessor;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the pipeline needs to know, as plain values: the Quarkus service builds it from its
 * configuration, tests and the benchmark build it directly.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId consumer group of the samples consumer
 * @param clientProperties further properties for every Kafka client (security settings)
 * @param maxPollRecords records per poll
 * @param pollTimeout how long one poll waits
 * @param commitInterval how often completed offsets are committed
 * @param batchMaxSize a batch closes at this many samples
 * @param batchMaxWait or this long after its first sample, whichever comes first
 * @param workers inference threads (one ONNX Runtime session each)
 * @param decodeThreads image decoding threads
 * @param maxInFlight samples polled but not yet acknowledged, at most
 * @param queueCapacity decoded samples waiting for a batch, at most
 * @param masks the mask cleaning shared with training
 * @param shadowFraction the fraction of samples a shadow model also runs on, 0 (off) to 1 ({@link ShadowSampling})
 */
public record PipelineSettings(String bootstrapServers, String groupId, Map<String, String> clientProperties,
        int maxPollRecords, Duration pollTimeout, Duration commitInterval, int batchMaxSize, Duration batchMaxWait,
        int workers, int decodeThreads, int maxInFlight, int queueCapacity, MaskPostProcessor masks,
        double shadowFraction) {

    /** Validates the settings, naming the first bad one. */
    public PipelineSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required");
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("consumer group id is required");
        }
        positive("max poll records", maxPollRecords);
        positive("batch max size", batchMaxSize);
        positive("workers", workers);
        positive("decode threads", decodeThreads);
        positive("max in flight", maxInFlight);
        positive("queue capacity", queueCapacity);
        if (pollTimeout.isNegative() || pollTimeout.isZero() || commitInterval.isNegative()
                || batchMaxWait.isNegative()) {
            throw new IllegalArgumentException("poll timeout must be positive, commit interval and batch wait "
                    + "not negative");
        }
        if (maxInFlight < batchMaxSize) {
            throw new IllegalArgumentException("max in flight (" + maxInFlight + ") must allow a full batch ("
                    + batchMaxSize + ")");
        }
        ShadowSampling.checkFraction(shadowFraction);
        clientProperties = Map.copyOf(clientProperties);
    }

    /**
     * How many samples a batch must have for the model answering none of them to stop the pipeline as a model
     * problem (see {@link InferencePipeline}): a full batch, at least 2. Smaller batches without an answer are held
     * back by their inference thread, so the number is also at most {@code maxInFlight / workers}, leaving
     * permits for the fresh samples that decide; with no permit to spare ({@code maxInFlight <= workers}) it is 1,
     * and a sample the model fails on alone is isolated only within its batch.
     */
    public int brokenModelBatch() {
        if (maxInFlight <= workers) {
            return 1;
        }
        return Math.max(2, Math.min(batchMaxSize, maxInFlight / workers));
    }

    /** Defaults for a broker, changed with the {@code with…} methods. */
    public static PipelineSettings defaults(String bootstrapServers, String groupId) {
        return new PipelineSettings(bootstrapServers, groupId, Map.of(), 32, Duration.ofMillis(100),
                Duration.ofMillis(500), 8, Duration.ofMillis(10), 1, 1, 64, 32, MaskPostProcessor.defaults(), 0);
    }

    /** The same settings with other batch limits. */
    public PipelineSettings withBatching(int maxSize, Duration maxWait) {
        return new PipelineSettings(bootstrapServers, groupId, clientProperties, maxPollRecords, pollTimeout,
                commitInterval, maxSize, maxWait, workers, decodeThreads, Math.max(maxInFlight, maxSize),
                queueCapacity, masks, shadowFraction);
    }

    /** The same settings with other thread counts and bounds. */
    public PipelineSettings withThreads(int newWorkers, int newDecodeThreads, int newMaxInFlight, int newQueueCapacity) {
        return new PipelineSettings(bootstrapServers, groupId, clientProperties, maxPollRecords, pollTimeout,
                commitInterval, batchMaxSize, batchMaxWait, newWorkers, newDecodeThreads, newMaxInFlight,
                newQueueCapacity, masks, shadowFraction);
    }

    /** The same settings with another shadow fraction. */
    public PipelineSettings withShadowFraction(double fraction) {
        return new PipelineSettings(bootstrapServers, groupId, clientProperties, maxPollRecords, pollTimeout,
                commitInterval, batchMaxSize, batchMaxWait, workers, decodeThreads, maxInFlight, queueCapacity, masks,
                fraction);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
    }
}
