package io.tunet.gateway.publish;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.tunet.gateway.journal.PublishJournal.Intent;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.serde.AvroSerde;
import io.tunet.schemas.serde.AvroSerdes;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;

/**
 * Looks on {@code acquisitions} for the records of intents the journal holds without a published mark (the gateway
 * stopped between the send and the mark): in each intent's partition, from the first offset at or after its
 * timestamp (less a minute, for a broker that stamps records with its own clock) to the end, it reads the records
 * of the intents' sample ids and compares acquisition ids. The range is what was written to the partition since the
 * intent, usually a few records.
 */
public final class PublishedCheck {

    /** Records stamped by the broker (LogAppendTime) may carry a clock a little behind ours. */
    private static final long CLOCK_SLACK_MS = 60_000;

    private final Map<String, Object> client;

    /** @param client base client settings (bootstrap servers, security) */
    public PublishedCheck(Map<String, Object> client) {
        this.client = Map.copyOf(client);
    }

    /**
     * The acquisition ids among {@code intents} whose records are on the topic.
     *
     * @throws TimeoutException if the partitions cannot be read to their end within {@code timeout}
     */
    public Set<String> published(Collection<Intent> intents, Duration timeout) {
        Set<String> found = new HashSet<>();
        if (intents.isEmpty()) {
            return found;
        }
        Map<TopicPartition, Long> from = new HashMap<>();
        Set<String> keys = new HashSet<>();
        Set<String> wanted = new HashSet<>();
        for (Intent intent : intents) {
            TopicPartition partition = new TopicPartition(Topics.ACQUISITIONS.name(), intent.partition());
            from.merge(partition, Math.max(0, intent.timestamp() - CLOCK_SLACK_MS), Math::min);
            keys.add(intent.sampleId());
            wanted.add(intent.acquisitionId());
        }
        AvroSerde<Acquisition> serde = AvroSerdes.of(Acquisition.class);
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.ACQUISITIONS.maxMessageBytes());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "microscope-gateway-check");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(from.keySet());
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(from, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet(), timeout);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition partition : from.keySet()) {
                OffsetAndTimestamp start = starts.get(partition);
                long end = ends.get(partition);
                // No record at or after the timestamp: nothing was written to this partition since the intent.
                if (start != null && start.offset() < end) {
                    consumer.seek(partition, start.offset());
                    remaining.put(partition, end);
                } else {
                    consumer.pause(List.of(partition));
                }
            }
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("reading " + remaining.keySet() + " to their end took longer than "
                            + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && keys.contains(record.key()) && record.value() != null) {
                        String id = acquisitionId(serde, record.value());
                        if (id != null && wanted.contains(id)) {
                            found.add(id);
                        }
                    }
                }
                remaining.entrySet().removeIf(e -> {
                    if (consumer.position(e.getKey()) >= e.getValue()) {
                        consumer.pause(List.of(e.getKey()));
                        return true;
                    }
                    return false;
                });
            }
        }
        return found;
    }

    private static String acquisitionId(AvroSerde<Acquisition> serde, byte[] value) {
        try {
            return serde.decode(Topics.ACQUISITIONS.name(), value).getAcquisitionId();
        } catch (RecordDecodingException e) {
            // Another publisher's bad record: ingest dead-letters it; it is not one of ours.
            return null;
        }
    }
}
