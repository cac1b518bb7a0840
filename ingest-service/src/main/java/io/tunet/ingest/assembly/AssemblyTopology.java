package io.tunet.ingest.assembly;

import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.micrometer.core.instrument.MeterRegistry;
import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.DecodeLimits;
import io.tunet.ingest.IngestConfig;
import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;

/**
 * The ingest topology: {@code acquisitions} in; {@code samples}, {@code samples-incomplete} and
 * {@code acquisitions-dlq} out.
 *
 * <p>Rules, in the order they apply to each acquisition:
 * <ol>
 *   <li>Validation before anything enters the state: the record must decode, name a known stain and carry its
 *   sample id as key; the image (inline, or fetched from the blob store with its SHA-256 verified) must be within
 *   the byte and pixel limits, its header must decode and agree with the declared format, size and bit depth, and
 *   it must have the same plate/well/field and dimensions as the sample's other stains. Anything else is a
 *   {@link io.tunet.schemas.DeadLetter} on {@code acquisitions-dlq} with the reason and the original bytes
 *   (or a blob reference to them above the claim-check threshold).</li>
 *   <li>Duplicates: the same image again for a stain (same SHA-256) is ignored, also within the retention after
 *   the sample was emitted; a different image for a stain that is already present replaces it (last wins
 *   before completion). Both are counted, by kind.</li>
 *   <li>Claim check: inline images above the threshold are written to the blob store and replaced by references
 *   before they enter the state.</li>
 *   <li>The fourth stain completes the sample: a {@link io.tunet.schemas.Sample} is emitted and the state
 *   cleared. A wall-clock punctuator emits samples still incomplete after the timeout as
 *   {@link io.tunet.schemas.IncompleteSample} and clears them; a stain arriving for a closed sample starts a new
 *   partial sample and is counted as late.</li>
 * </ol>
 * An acquisition whose processing throws (a fault the rules above do not foresee) is tried
 * {@link IngestConfig#maxAttempts()} times, then dead-lettered with reason {@code OTHER}; failures that are not
 * the record's (the blob store cannot be written, a state store or the broker fails) fail the stream thread
 * instead, so nothing is committed and the record is processed again after a restart.
 * Exactly-once processing ({@link #requiredStreamsConfig()}) makes the state, the outputs and the input offsets
 * commit together; blob writes are content-addressed, so a replayed record writes the same blob again harmlessly.
 */
public final class AssemblyTopology {

    /** Per sample id, the stains that have arrived. Queryable (the REST endpoint reads it). */
    public static final String PARTIAL_SAMPLES_STORE = "partial-samples";
    /** Per sample id, the outcome of a recently closed sample (duplicates and late stains). */
    static final String CLOSED_SAMPLES_STORE = "closed-samples";

    static final String SOURCE = "acquisitions-source";
    static final String ASSEMBLER = "assembler";
    static final String SAMPLES_SINK = "samples-sink";
    static final String INCOMPLETE_SINK = "samples-incomplete-sink";
    static final String DEAD_LETTER_SINK = "acquisitions-dlq-sink";

    /** Changelog records hold up to three inline images below the threshold (plus metadata). */
    private static final int CHANGELOG_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    /** How often a changelog segment rolls (and so becomes compactable): the changelogs are bounded by an hour of writes. */
    static final java.time.Duration CHANGELOG_SEGMENT = java.time.Duration.ofHours(1);

    private AssemblyTopology() {
    }

    /**
     * Builds the topology from the service's configuration.
     *
     * @param config   timeouts, limits and the blob store root
     * @param registry where the assembly's counters are registered (see {@link IngestMetrics})
     * @throws IllegalStateException if the blob store root cannot be created
     */
    public static Topology build(IngestConfig config, MeterRegistry registry) {
        return build(config, registry, openBlobStore(Path.of(config.blobStore().root())));
    }

    /** Builds the topology on the given blob store (tests hand in one that fails). */
    static Topology build(IngestConfig config, MeterRegistry registry, BlobStore blobs) {
        if (config.maxAttempts() < 1) {
            throw new IllegalArgumentException("ingest.max-attempts must be at least 1: " + config.maxAttempts());
        }
        StainInspector inspector = new StainInspector(blobs, config.maxImageBytes(),
                new DecodeLimits(config.maxImageSide(), config.maxImageSide(), config.maxImagePixels()));
        IngestMetrics metrics = new IngestMetrics(registry);

        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), new ByteArrayDeserializer(),
                Topics.ACQUISITIONS.name());
        topology.addProcessor(ASSEMBLER, () -> new AssemblyProcessor(config, blobs, inspector, metrics), SOURCE);
        topology.addStateStore(store(PARTIAL_SAMPLES_STORE, StateSerdes.partialSample()), ASSEMBLER);
        topology.addStateStore(store(CLOSED_SAMPLES_STORE, StateSerdes.closedSample()), ASSEMBLER);
        addSink(topology, SAMPLES_SINK, Topics.SAMPLES);
        addSink(topology, INCOMPLETE_SINK, Topics.SAMPLES_INCOMPLETE);
        addSink(topology, DEAD_LETTER_SINK, Topics.ACQUISITIONS_DLQ);
        return topology;
    }

    /**
     * Kafka Streams settings the topology relies on: exactly-once, and clients that accept the catalogue's
     * largest records. Callers add the application id and bootstrap servers.
     */
    public static Map<String, Object> requiredStreamsConfig() {
        int largest = Topics.largestMessageBytes();
        return Map.of(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), largest,
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), largest,
                StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), largest);
    }

    static <V> StoreBuilder<?> store(String name, org.apache.kafka.common.serialization.Serde<V> serde) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), serde)
                .withLoggingEnabled(Map.of("max.message.bytes", Integer.toString(CHANGELOG_MAX_MESSAGE_BYTES),
                        // a segment rolls every hour, so the cleaner can compact it: the default (7 days or
                        // 1 GiB per partition) lets the stains of every partial sample pile up until then
                        "segment.ms", Long.toString(CHANGELOG_SEGMENT.toMillis())));
    }

    private static <V> void addSink(Topology topology, String name, Topic<String, V> topic) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                ASSEMBLER);
    }

    private static BlobStore openBlobStore(Path root) {
        try {
            return new LocalDirectoryBlobStore(root);
        } catch (BlobStoreException e) {
            throw new IllegalStateException("cannot open the claim-check blob store at " + root.toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
    }
}
