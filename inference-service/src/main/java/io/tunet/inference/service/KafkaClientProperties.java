package io.tunet.inference.service;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import io.tunet.schemas.topics.ClientOverrides;

/**
 * The operator's extra Kafka client settings ({@code inference.kafka.properties.*}, e.g.
 * {@code INFERENCE_KAFKA_PROPERTIES_SECURITY_PROTOCOL=SASL_SSL}), checked once at startup.
 *
 * <p>They go into all three clients the service creates (samples consumer, results producer, {@code models}
 * follower) after the service's tunable defaults, so they may change those (linger, fetch and request sizes,
 * timeouts). They may not name a setting in {@link #RESERVED}
 * (which includes {@link ClientOverrides#ALWAYS_RESERVED}): the delivery guarantees rest on those, or
 * they have their own property; startup fails naming the key instead of silently ignoring it.
 */
public final class KafkaClientProperties {

    /** Where the settings come from, as an operator writes it. */
    public static final String PREFIX = "inference.kafka.properties.";

    /** Client settings the operator cannot set, each with the reason startup reports. */
    public static final Map<String, String> RESERVED = ClientOverrides.reserved(Map.ofEntries(
            Map.entry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "set inference.kafka.bootstrap-servers instead"),
            Map.entry(CommonClientConfigs.GROUP_ID_CONFIG, "set inference.kafka.group-id instead"),
            Map.entry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "set inference.kafka.max-poll-records instead"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the results producer is not transactional"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    "a retried send must not write a classification or mask twice, nor out of order"),
            Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed: samples and model versions from aborted transactions must not be read"),
            Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    "an offset is committed only once the sample's outputs were acknowledged (at least once)"),
            Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "a new consumer group must start from the earliest samples, or they are lost")));

    private KafkaClientProperties() {
    }

    /**
     * The base settings of every client: the operator's properties and the bootstrap servers.
     *
     * @throws ConfigurationException naming the first property that sets a {@link #RESERVED} key
     */
    public static Map<String, Object> of(String bootstrapServers, Map<String, String> properties) {
        try {
            return ClientOverrides.merge(PREFIX, bootstrapServers, properties, RESERVED);
        } catch (ClientOverrides.ReservedSettingException e) {
            throw new ConfigurationException(e.getMessage(), Set.of(e.property()));
        }
    }
}
