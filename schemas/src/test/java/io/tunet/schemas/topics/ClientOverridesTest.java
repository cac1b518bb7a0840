package io.tunet.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ClientOverridesTest {

    private static final Map<String, String> RESERVED = ClientOverrides.reserved(
            Map.of("group.id", "set svc.kafka.group-id instead"));

    @Test
    void shouldPassTheOperatorsSettingsThroughWithTheBootstrapServers() {
        Map<String, Object> client = ClientOverrides.merge("svc.kafka.properties.", "b1:9093",
                Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"), RESERVED);

        assertThat(client).containsOnly(Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"), Map.entry("bootstrap.servers", "b1:9093"));
    }

    @Test
    void shouldRefuseAServiceReservedSettingNamingPropertyVariableAndReason() {
        assertThatThrownBy(() -> ClientOverrides.merge("svc.kafka.properties.", "b1:9093",
                Map.of("group.id", "other"), RESERVED))
                .isInstanceOfSatisfying(ClientOverrides.ReservedSettingException.class,
                        e -> assertThat(e.property()).isEqualTo("svc.kafka.properties.group.id"))
                .hasMessage("svc.kafka.properties.group.id (environment SVC_KAFKA_PROPERTIES_GROUP_ID) cannot be set:"
                        + " set svc.kafka.group-id instead");
    }

    @Test
    void shouldRefuseTheSettingsNoServiceAllowsWhateverTheirCase() {
        assertThatThrownBy(() -> ClientOverrides.merge("svc.kafka.properties.", "b1:9093",
                Map.of("ACKS", "1"), RESERVED))
                .hasMessageContaining("idempotent producers need acks=all");
        assertThatThrownBy(() -> ClientOverrides.merge("svc.kafka.properties.", "b1:9093",
                Map.of("value.serializer", "x.Y"), RESERVED))
                .hasMessageContaining("serdes");
    }
}
