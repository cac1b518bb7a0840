package io.tunet.schemas.topics;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * An operator's extra Kafka client settings for one service ({@code <service>.kafka.properties.*}: SASL/TLS,
 * sizes, timeouts), checked against the settings the service's delivery guarantees rest on. Every service
 * merges them the same way: its tunable defaults first, then these, then its fixed settings; a reserved key
 * stops the service at startup with a message naming the property, its environment variable and the reason.
 */
public final class ClientOverrides {

    /** Settings no service lets an operator change, each with the reason startup reports. */
    public static final Map<String, String> ALWAYS_RESERVED = Map.of(
            ProducerConfig.ACKS_CONFIG, "idempotent producers need acks=all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "the topic catalogue's serdes are used",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "the topic catalogue's serdes are used",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the topic catalogue's serdes are used",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the topic catalogue's serdes are used");

    private ClientOverrides() {
    }

    /** A reserved setting an operator tried to set. */
    public static final class ReservedSettingException extends IllegalArgumentException {

        private final String property;

        ReservedSettingException(String property, String message) {
            super(message);
            this.property = property;
        }

        /** The configuration property, e.g. {@code training.kafka.properties.acks}. */
        public String property() {
            return property;
        }
    }

    /** {@link #ALWAYS_RESERVED} plus a service's own reserved settings (the service's reason wins). */
    public static Map<String, String> reserved(Map<String, String> serviceReserved) {
        Map<String, String> all = new HashMap<>(ALWAYS_RESERVED);
        all.putAll(serviceReserved);
        return Map.copyOf(all);
    }

    /**
     * The base settings of a service's clients: the operator's properties and the bootstrap servers.
     *
     * @param prefix     where the properties come from, e.g. {@code training.kafka.properties.}
     * @param reserved   keys the properties may not set, with the reason (see {@link #reserved})
     * @throws ReservedSettingException naming the first (in sorted order) property that sets a reserved key
     */
    public static Map<String, Object> merge(String prefix, String bootstrapServers, Map<String, String> properties,
            Map<String, String> reserved) {
        for (String key : properties.keySet().stream().sorted().toList()) {
            String reason = reserved.get(key.trim().toLowerCase(Locale.ROOT));
            if (reason != null) {
                String property = prefix + key;
                throw new ReservedSettingException(property, property + " (environment " + environmentName(property)
                        + ") cannot be set: " + reason);
            }
        }
        Map<String, Object> client = new HashMap<>(properties);
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Map.copyOf(client);
    }

    /** The environment variable MicroProfile Config reads a property from: upper case, other characters {@code _}. */
    public static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
