package io.tunet.results;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import io.tunet.schemas.topics.ClientOverrides;

/**
 * The operator's extra Kafka client settings ({@code results.kafka.properties.*}, e.g.
 * {@code RESULTS_KAFKA_PROPERTIES_SECURITY_PROTOCOL=SASL_SSL}), checked once at startup.
 *
 * <p>They go into both clients the service creates (the results consumer and the curators' feedback producer)
 * after the service's tunable defaults, so they may change those (client ids, fetch sizes, poll interval,
 * timeouts). They may not name a setting in {@link #RESERVED}
 * (which includes {@link ClientOverrides#ALWAYS_RESERVED}): the delivery guarantees rest on those, or
 * they have their own property; startup fails naming the key instead of silently ignoring it.
 */
public final class KafkaClientProperties {

    /** Where the settings come from, as an operator writes it. */
    public static final String PREFIX = "results.kafka.properties.";

    /** Client settings the operator cannot set, each with the reason startup reports. */
    public static final Map<String, String> RESERVED = ClientOverrides.reserved(Map.ofEntries(
            Map.entry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "set results.kafka.bootstrap-servers instead"),
            Map.entry(CommonClientConfigs.GROUP_ID_CONFIG, "set results.kafka.group-id instead"),
            Map.entry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "set results.kafka.max-poll-records instead"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the feedback producer is not transactional"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "a retried label must not be written twice"),
            Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed: records from aborted transactions must not be stored"),
            Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    "offsets are committed only after their rows are stored (at least once)"),
            Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "a new consumer group must start from the earliest results, or they are lost")));

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
