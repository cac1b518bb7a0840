package io.tunet.training.service;

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
        TrainingConfig config = configFrom(Map.of(
                "TRAINING_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
                "TRAINING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                "TRAINING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"t\" password=\"p\";",
                "TRAINING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION", "/etc/tunet/kafka/truststore.p12"));

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
        TrainingConfig config = configFrom(Map.of("TRAINING_KAFKA_PROPERTIES_ENABLE_IDEMPOTENCE", "false"));

        assertThatThrownBy(() -> KafkaClientProperties.of(config.kafka().bootstrapServers(),
                config.kafka().properties()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("training.kafka.properties.enable.idempotence")
                .hasMessageContaining("TRAINING_KAFKA_PROPERTIES_ENABLE_IDEMPOTENCE")
                .hasMessageContaining("transactional");
    }

    @Test
    void shouldPointToTheOwnPropertyOfASettingThatHasOne() {
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("group.id", "other")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("training.kafka.properties.group.id")
                .hasMessageContaining("training.kafka.group-id");
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("transactional.id", "other")))
                .hasMessageContaining("training.kafka.transactional-id");
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("bootstrap.servers", "b:1")))
                .hasMessageContaining("training.kafka.bootstrap-servers");
    }

    private static TrainingConfig configFrom(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(TrainingConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new EnvConfigSource(environment, 300))
                .withSources(new PropertiesConfigSource(Map.of(
                        "training.kafka.bootstrap-servers", "broker1:9093",
                        "training.data-dir", "target/unused",
                        "training.blob-store-root", "target/unused"), "test", 100))
                .build();
        return config.getConfigMapping(TrainingConfig.class);
    }
}
