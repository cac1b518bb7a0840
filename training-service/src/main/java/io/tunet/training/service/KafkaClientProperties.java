package io.tunet.training.service;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import io.tunet.schemas.topics.ClientOverrides;

/**
 * The operator's extra Kafka client settings ({@code training.kafka.properties.*}, e.g.
 * {@code TRAINING_KAFKA_PROPERTIES_SECURITY_PROTOCOL=SASL_SSL}), checked once at startup.
 *
 * <p>They go into every client the service creates (feedback/sample consumer, dead-letter producer, model
 * publisher, registry reader) after the service's tunable defaults, so they may change those (fetch and
 * request sizes, timeouts). They may not name a setting in {@link #RESERVED}
 * (which includes {@link ClientOverrides#ALWAYS_RESERVED}): the delivery guarantees rest on those, or
 * they have their own property; startup fails naming the key instead of silently ignoring it.
 */
public final class KafkaClientProperties {

    /** Where the settings come from, as an operator writes it. */
    public static final String PREFIX = "training.kafka.properties.";

    /** Client settings the operator cannot set, each with the reason startup reports. */
    public static final Map<String, String> RESERVED = ClientOverrides.reserved(Map.ofEntries(
            Map.entry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "set training.kafka.bootstrap-servers instead"),
            Map.entry(CommonClientConfigs.GROUP_ID_CONFIG, "set training.kafka.group-id instead"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "set training.kafka.transactional-id instead"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    "the model publisher is transactional, and a retried dead letter must not be written twice"),
            Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed: samples and model versions from aborted transactions must not be read"),
            Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    "offsets are committed only once a label or sample is stored (at least once)"),
            Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "a new consumer group must start from the earliest labels and samples, or they are lost")));

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
