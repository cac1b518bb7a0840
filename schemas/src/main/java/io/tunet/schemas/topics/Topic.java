package io.tunet.schemas.topics;

import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with everything that travels with its name: key and value serdes, partition count and the
 * topic configs it needs. Services take topics from {@link Topics}, never as strings.
 *
 * @param name             topic name
 * @param keySerde         serde of the record key
 * @param valueSerde       serde of the record value
 * @param partitions       partitions created by default (the unit of parallelism for a consumer group)
 * @param maxMessageBytes  the largest record the topic accepts; producers must allow at least this much
 * @param configs          further topic configs (cleanup policy, retention)
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
                          int maxMessageBytes, Map<String, String> configs) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    /** Whether the topic keeps only the latest record per key. */
    public boolean compacted() {
        return "compact".equals(configs.get("cleanup.policy"));
    }

    /** The admin-client description of this topic. */
    public NewTopic newTopic(short replicationFactor) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(configs);
        all.put("max.message.bytes", Integer.toString(maxMessageBytes));
        return new NewTopic(name, partitions, replicationFactor).configs(all);
    }

    @Override
    public String toString() {
        return name;
    }
}
