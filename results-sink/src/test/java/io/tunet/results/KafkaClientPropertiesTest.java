package io.tunet.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Extra Kafka client settings as an operator gives them: environment variables, checked at startup. */
class KafkaClientPropertiesTest {

    @Test
    void shouldTurnEnvironmentVariablesIntoKafkaClientSettingsForEveryClient() {
        ResultsConfig config = configFrom(Map.of(
                "RESULTS_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
                "RESULTS_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                "RESULTS_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"t\" password=\"p\";",
                "RESULTS_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION", "/etc/tunet/kafka/truststore.p12"));

        Map<String, Object> client = KafkaClientProperties.of(config.kafka().bootstrapServers(),
                config.kafka().properties());

        assertThat(client).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "broker1:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"t\" password=\"p\";",
                "ssl.truststore.location", "/etc/tunet/kafka/truststore.p12"));
    }

    @Test
    void shouldRefuseToStartWhenASettingTheGuaranteesNeedIsOverridden() {
        ResultsConfig config = configFrom(Map.of("RESULTS_KAFKA_PROPERTIES_ENABLE_IDEMPOTENCE", "false"));

        assertThatThrownBy(() -> KafkaClientProperties.of(config.kafka().bootstrapServers(),
                config.kafka().properties()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("results.kafka.properties.enable.idempotence")
                .hasMessageContaining("RESULTS_KAFKA_PROPERTIES_ENABLE_IDEMPOTENCE")
                .hasMessageContaining("written twice");
    }

    @Test
    void shouldPointToTheOwnPropertyOfASettingThatHasOne() {
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("group.id", "other")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("results.kafka.properties.group.id")
                .hasMessageContaining("results.kafka.group-id");
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("max.poll.records", "5")))
                .hasMessageContaining("results.kafka.max-poll-records");
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("bootstrap.servers", "b:1")))
                .hasMessageContaining("results.kafka.bootstrap-servers");
    }

    private static ResultsConfig configFrom(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ResultsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new EnvConfigSource(environment, 300))
                .withSources(new PropertiesConfigSource(Map.of(
                        "results.kafka.bootstrap-servers", "broker1:9093",
                        "results.blob-store-dir", "target/unused"), "test", 100))
                .build();
        return config.getConfigMapping(ResultsConfig.class);
    }
}
