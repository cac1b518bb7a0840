package io.tunet.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Extra Kafka client settings as an operator gives them: environment variables, checked at startup; and what the
 * service does when its pipeline stops.
 */
class KafkaClientPropertiesTest {

    @Test
    void shouldTurnEnvironmentVariablesIntoKafkaClientSettingsForEveryClient() {
        InferenceConfig config = configFrom(Map.of(
                "INFERENCE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
                "INFERENCE_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                "INFERENCE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"t\" password=\"p\";",
                "INFERENCE_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION", "/etc/tunet/kafka/truststore.p12"));

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
        InferenceConfig config = configFrom(Map.of("INFERENCE_KAFKA_PROPERTIES_ENABLE_IDEMPOTENCE", "false"));

        assertThatThrownBy(() -> KafkaClientProperties.of(config.kafka().bootstrapServers(),
                config.kafka().properties()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("inference.kafka.properties.enable.idempotence")
                .hasMessageContaining("INFERENCE_KAFKA_PROPERTIES_ENABLE_IDEMPOTENCE")
                .hasMessageContaining("must not write a classification");
    }

    @Test
    void shouldPointToTheOwnPropertyOfASettingThatHasOne() {
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("group.id", "other")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("inference.kafka.properties.group.id")
                .hasMessageContaining("inference.kafka.group-id");
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("max.poll.records", "5")))
                .hasMessageContaining("inference.kafka.max-poll-records");
        assertThatThrownBy(() -> KafkaClientProperties.of("broker1:9093", Map.of("bootstrap.servers", "b:1")))
                .hasMessageContaining("inference.kafka.bootstrap-servers");
    }

    @Test
    void shouldExitOnAPipelineFailureUnlessToldToStayUp() {
        List<Integer> statuses = new ArrayList<>();
        RuntimeException error = new RuntimeException("broker refused");

        InferenceService.pipelineFailed(error, false, statuses::add);
        assertThat(statuses).isEmpty();
        InferenceService.pipelineFailed(error, configFrom(Map.of()).pipeline().exitOnFailure(), statuses::add);
        assertThat(statuses).containsExactly(1);
    }

    private static InferenceConfig configFrom(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(InferenceConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new EnvConfigSource(environment, 300))
                .withSources(new PropertiesConfigSource(Map.of(
                        "inference.kafka.bootstrap-servers", "broker1:9093",
                        "inference.blob-store-root", "target/unused",
                        "inference.state-dir", "target/unused-state"), "test", 100))
                .build();
        return config.getConfigMapping(InferenceConfig.class);
    }
}
