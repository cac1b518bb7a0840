package io.tunet.gateway;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.tunet.schemas.topics.ClientOverrides;

/**
 * The operator's extra Kafka client settings ({@code gateway.kafka.properties.*}, e.g.
 * {@code GATEWAY_KAFKA_PROPERTIES_SECURITY_PROTOCOL=SASL_SSL}), checked once at startup, for the producer and the
 * consumer that looks for records sent before a restart. Settings the exactly-once publication rests on are refused.
 */
public final class KafkaClientProperties {

    /** Where the settings come from, as an operator writes it. */
    public static final String PREFIX = "gateway.kafka.properties.";

    /** Client settings the operator cannot set, each with the reason startup reports. */
    public static final Map<String, String> RESERVED = ClientOverrides.reserved(Map.ofEntries(
            Map.entry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "set gateway.kafka.bootstrap-servers instead"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    "a retried send must not write a stain twice: the gateway publishes exactly once"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the gateway's producer is not transactional"),
            Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "it follows the catalogue's record limits"),
            Map.entry(CommonClientConfigs.GROUP_ID_CONFIG,
                    "the gateway reads acquisitions by partition after a restart, in no group"),
            Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "the check after a restart must see every record the gateway wrote"),
            Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "the gateway's consumer has no group to commit to"),
            Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "the check after a restart seeks by time")));

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
