package io.tunet.training.shadow;

import io.tunet.schemas.ShadowClassification;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Feeds {@code classifications-shadow} to the {@link ShadowJudge} on its own thread and lets it judge.
 *
 * <p>State after a restart: the loop reads the topic <em>from the beginning</em> every time it starts, with
 * {@code read_committed} and no consumer group (nothing is committed), and the judge keeps only the records of
 * versions still waiting. The judge's state is thus a function of the two topics ({@code models} for who waits,
 * {@code classifications-shadow} for their samples) and the dataset index (the curator labels): no file of its own to
 * lose or to get out of step, and a new instance reaches the verdict the old one would have. It judges only once it
 * has read up to the end the topic had at start, so a restart never judges on part of the evidence (a rejection for
 * want of samples that were there). The cost is reading the topic's retained records once per start: keep
 * {@code training.gate.shadow.max-wait} within the topic's {@code retention.ms} (broker default 7 days) so that a
 * waiting candidate's samples are all still there.
 */
public final class ShadowLoop implements Runnable, AutoCloseable {

    /** What the loop reports, for metrics. */
    public interface Listener {
        /** A record did not decode; it is left out (inference owns the topic and its dead letters). */
        void undecodable();

        Listener NONE = () -> {
        };
    }

    private static final Logger LOG = Logger.getLogger(ShadowLoop.class);

    private final ShadowJudge judge;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Duration judgeEvery;
    private final Clock clock;
    private final Listener listener;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean caughtUp;

    /**
     * @param clientProperties at least the bootstrap servers (group, commits and isolation are the loop's own)
     * @param judgeEvery how often waiting candidates are judged once the loop has caught up (a judgement looks up
     *     the curator labels of every waiting candidate's shadowed samples)
     */
    public ShadowLoop(ShadowJudge judge, Map<String, Object> clientProperties, Duration judgeEvery, Clock clock,
            Listener listener) {
        this.judge = judge;
        this.judgeEvery = judgeEvery;
        this.clock = clock;
        this.listener = listener;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.CLASSIFICATIONS_SHADOW.maxMessageBytes());
        props.putAll(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CLASSIFICATIONS_SHADOW.name(),
                    Duration.ofSeconds(60)).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            Instant nextJudgement = Instant.MIN;
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    take(record);
                }
                if (!caughtUp) {
                    caughtUp = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    if (caughtUp) {
                        LOG.infof("read %s to its end at start; judging waiting candidates from now on",
                                Topics.CLASSIFICATIONS_SHADOW.name());
                    }
                }
                if (caughtUp && !clock.instant().isBefore(nextJudgement)) {
                    judge.judge();
                    nextJudgement = clock.instant().plus(judgeEvery);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("the live gate's judge stopped", e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        ShadowClassification value;
        try {
            value = Topics.CLASSIFICATIONS_SHADOW.valueSerde().deserializer().deserialize(record.topic(),
                    record.value());
        } catch (RecordDecodingException e) {
            LOG.warnf("left out an undecodable shadow record at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            listener.undecodable();
            return;
        }
        if (value != null) {
            judge.accept(value);
        }
    }

    /** Whether the loop has read the topic up to the end it had at start (and so judges). */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Stops the loop; it closes its consumer on its own thread. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}
