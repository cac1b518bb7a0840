package io.tunet.training.registry;

import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * This service's view of the model registry for one model name: the newest version number ever published
 * (so versions only grow) and the current champion (the newest PROMOTED version). Loaded from the
 * {@code models} topic on start (committed records only), then kept up to date by the runs of this service. It
 * also keeps each version's latest record, so that blob garbage collection knows which versions' artefacts are
 * still needed ({@link #inUse()}).
 * Thread-safe.
 */
public final class ModelRegistryView {

    private static final Logger LOG = Logger.getLogger(ModelRegistryView.class);

    private final String modelName;
    private long newestVersion;
    private ModelVersion champion;
    /** The latest record of each version, by version number. */
    private final java.util.TreeMap<Long, ModelVersion> versions = new java.util.TreeMap<>();

    public ModelRegistryView(String modelName) {
        this.modelName = modelName;
    }

    /**
     * Reads the whole {@code models} topic up to its current end.
     *
     * @param clientProperties at least the bootstrap servers (group, commits and isolation are its own)
     * @param timeout how long to wait for the broker
     */
    public static ModelRegistryView load(String modelName, Map<String, Object> clientProperties, Duration timeout) {
        ModelRegistryView view = new ModelRegistryView(modelName);
        readAll(clientProperties, timeout, view::observe);
        LOG.infof("registry %s: newest version %d, champion %s", modelName, view.newestVersion(),
                view.champion().map(v -> "v" + v.getVersion()).orElse("none"));
        return view;
    }

    /**
     * Every record of the {@code models} topic, of every model name and status, read to the topic's current end
     * (tombstones left out): what a collector of blobs that this service did not write must keep the artefacts of.
     */
    public static List<ModelVersion> everyVersion(Map<String, Object> clientProperties, Duration timeout) {
        List<ModelVersion> versions = new java.util.ArrayList<>();
        readAll(clientProperties, timeout, version -> {
            if (version != null) {
                versions.add(version);
            }
        });
        return versions;
    }

    /** Reads the whole {@code models} topic up to its current end (committed records only). */
    private static void readAll(Map<String, Object> clientProperties, Duration timeout, Consumer<ModelVersion> each) {
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "training-registry-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODELS.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Instant deadline = Instant.now().plus(timeout);
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + Topics.MODELS + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        each.accept(Topics.MODELS.valueSerde().deserializer().deserialize(record.topic(), record.value()));
                    } catch (RecordDecodingException e) {
                        LOG.warnf("skipping an undecodable record at %s-%d@%d: %s", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                    }
                }
            }
        }
    }

    /** Takes a published version into account (other model names are ignored). */
    public synchronized void observe(ModelVersion version) {
        if (version == null || !modelName.equals(version.getModelName())) {
            return;
        }
        newestVersion = Math.max(newestVersion, version.getVersion());
        versions.put(version.getVersion(), version);
        if (version.getStatus() == ModelStatus.PROMOTED
                && (champion == null || version.getVersion() > champion.getVersion())) {
            champion = version;
        }
        if (version.getStatus() == ModelStatus.RETIRED && champion != null
                && champion.getVersion() == version.getVersion()) {
            champion = null;
        }
    }

    /**
     * The versions whose artefacts (ONNX file, checkpoint) must stay in the blob store: the newest PROMOTED
     * version (the champion inference serves and the next run warm-starts from), the PROMOTED one before it (to
     * roll back to), and every version whose latest status is still CANDIDATE (being judged or shadowed). REJECTED
     * and RETIRED versions, and PROMOTED ones older than those two, are not in use.
     */
    public synchronized List<ModelVersion> inUse() {
        List<ModelVersion> result = new java.util.ArrayList<>();
        int promoted = 0;
        for (ModelVersion version : versions.descendingMap().values()) {
            if (version.getStatus() == ModelStatus.CANDIDATE) {
                result.add(version);
            } else if (version.getStatus() == ModelStatus.PROMOTED && promoted < 2) {
                result.add(version);
                promoted++;
            }
        }
        return result;
    }

    /**
     * The versions whose latest status is CANDIDATE, oldest first: with a live gate
     * ({@code training.gate.shadow.samples} above 0) the challengers that passed the offline gate and wait for
     * their live verdict.
     */
    public synchronized List<ModelVersion> waitingCandidates() {
        return versions.values().stream().filter(v -> v.getStatus() == ModelStatus.CANDIDATE).toList();
    }

    /** Whether {@code version}'s latest status is CANDIDATE. */
    public synchronized boolean isWaiting(long version) {
        ModelVersion latest = versions.get(version);
        return latest != null && latest.getStatus() == ModelStatus.CANDIDATE;
    }

    /**
     * Publishes what {@code decide} returns, in order and in one transaction, and takes it into account, while no
     * other publication through this view runs: the decision reads the view as it stands when it is published (a
     * run superseding a waiting candidate and the live gate judging it cannot both win). Nothing is published
     * when the list is empty.
     *
     * @return what was published
     * @throws org.apache.kafka.common.KafkaException if the transaction fails (nothing is published or observed)
     */
    public synchronized List<ModelVersion> publish(ModelPublisher publisher,
            java.util.function.Function<ModelRegistryView, List<ModelVersion>> decide) {
        List<ModelVersion> records = List.copyOf(decide.apply(this));
        if (!records.isEmpty()) {
            publisher.publish(records);
            records.forEach(this::observe);
        }
        return records;
    }

    /** The model name this view follows. */
    public String modelName() {
        return modelName;
    }

    /** The highest version published so far (0 when none). */
    public synchronized long newestVersion() {
        return newestVersion;
    }

    /** The current champion, if any version was promoted. */
    public synchronized Optional<ModelVersion> champion() {
        return Optional.ofNullable(champion);
    }
}
