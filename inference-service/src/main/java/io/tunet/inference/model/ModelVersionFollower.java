package io.tunet.inference.model;

import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@code models} topic from its beginning on its own thread (no consumer group: every
 * instance reads it all) and hands PROMOTED versions to the {@link ModelRegistry}, keeping each version's latest
 * status. On start it first reads up to the end and offers the newest version whose latest status is PROMOTED
 * (the one before it if that is refused), so a restart loads one model, not the whole history, and never one
 * retired since; afterwards every new record is offered as it arrives, and a serving version that becomes
 * RETIRED or REJECTED is rolled back to the newest earlier PROMOTED one ({@link ModelRegistry#withdraw}).
 *
 * <p>With shadowing on, after each poll's records (and after the first read to the end) it also hands the registry
 * the newest version whose latest status is CANDIDATE ({@link ModelRegistry#shadow}), which shadows it if it is newer
 * than the champion. Deciding after the whole poll, not per record, means a CANDIDATE that arrives together with its
 * verdict (training publishes CANDIDATE and then PROMOTED or REJECTED in one transaction) is never loaded as a shadow;
 * a verdict arriving later ends the shadow (PROMOTED: it then serves through {@link ModelRegistry#offer}).
 */
public final class ModelVersionFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelVersionFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final ModelRegistry registry;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    /** The versions of the registry's model whose latest status is PROMOTED (only this follower's thread). */
    private final TreeMap<Long, ModelVersion> promoted = new TreeMap<>();
    /** The versions of the registry's model whose latest status is CANDIDATE (only this follower's thread). */
    private final TreeMap<Long, ModelVersion> candidates = new TreeMap<>();
    private final boolean shadowing;

    /**
     * A follower that shadows nothing.
     *
     * @param registry where promoted versions go
     * @param clientProperties bootstrap servers and any security settings
     */
    public ModelVersionFollower(ModelRegistry registry, Map<String, Object> clientProperties) {
        this(registry, clientProperties, false);
    }

    /**
     * @param registry where promoted versions go
     * @param clientProperties bootstrap servers and any security settings
     * @param shadowing whether to hand the newest CANDIDATE to the registry to shadow
     */
    public ModelVersionFollower(ModelRegistry registry, Map<String, Object> clientProperties, boolean shadowing) {
        this.registry = registry;
        this.shadowing = shadowing;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODELS.maxMessageBytes());
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "model-follower");
        this.thread.setDaemon(true);
    }

    /** Starts following. */
    public void start() {
        thread.start();
    }

    /** Waits until the topic has been read to the end once (and its newest promoted version offered). */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODELS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            catchUp(partitions);
            caughtUp.countDown();
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<String, byte[]> record : records) {
                    ModelVersion version = decode(record);
                    if (version != null && track(version)) {
                        registry.offer(version);
                    } else if (version != null && (version.getStatus() == ModelStatus.RETIRED
                            || version.getStatus() == ModelStatus.REJECTED)) {
                        registry.withdraw(version, List.copyOf(promoted.descendingMap().values()));
                    }
                }
                if (!records.isEmpty() || registry.shadowRetryDue()) {
                    shadowNewestCandidate();
                }
            }
        } catch (WakeupException | InterruptException e) {
            if (running.get()) {
                LOG.error("model follower interrupted while running", e);
            }
        } catch (RuntimeException e) {
            LOG.error("model follower stopped: no new model versions will be picked up", e);
        } finally {
            caughtUp.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void catchUp(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (running.get() && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                ModelVersion version = decode(record);
                if (version != null) {
                    track(version);
                }
            }
        }
        // newest first; a refused one (say, its file was deleted) falls back to the version before it
        for (ModelVersion version : promoted.descendingMap().values()) {
            if (registry.offer(version) != ModelRegistry.Outcome.REFUSED) {
                break;
            }
        }
        shadowNewestCandidate();
    }

    /** Hands the newest CANDIDATE (or none) to the registry, which shadows it if it is newer than the champion. */
    private void shadowNewestCandidate() {
        if (shadowing) {
            registry.shadow(Optional.ofNullable(candidates.lastEntry()).map(Map.Entry::getValue));
        }
    }

    /**
     * Records the latest status of a version of the registry's model (a later record of a version replaces
     * what an earlier one said); returns whether it is PROMOTED now.
     */
    private boolean track(ModelVersion version) {
        if (!registry.modelName().equals(version.getModelName())) {
            return false;
        }
        if (version.getStatus() == ModelStatus.CANDIDATE) {
            candidates.put(version.getVersion(), version);
        } else {
            candidates.remove(version.getVersion());
        }
        if (version.getStatus() == ModelStatus.PROMOTED) {
            promoted.put(version.getVersion(), version);
            return true;
        }
        promoted.remove(version.getVersion());
        return false;
    }

    private static ModelVersion decode(ConsumerRecord<String, byte[]> record) {
        try {
            return Topics.MODELS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RecordDecodingException e) {
            LOG.error("skipping undecodable record at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return null;
        }
    }

    /** Stops following and closes the consumer. */
    @Override
    public void close() {
        running.set(false);
        if (!thread.isAlive() && caughtUp.getCount() > 0) {
            consumer.close(Duration.ofSeconds(5)); // never started
            return;
        }
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
