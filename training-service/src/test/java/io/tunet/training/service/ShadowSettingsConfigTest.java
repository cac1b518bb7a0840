package io.tunet.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.tunet.training.promotion.ShadowSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code training.gate.shadow.*}: a value out of range stops the service at start, naming the property. */
class ShadowSettingsConfigTest {

    private record Shadow(int samples, double margin, int minPositives, Duration maxWait, Duration judgeEvery)
            implements TrainingConfig.Gate.Shadow {
    }

    private static final Shadow DEFAULTS = new Shadow(0, 0.05, 3, Duration.ofDays(7), Duration.ofSeconds(10));

    @Test
    void shouldTurnTheLiveGateOffByDefault() {
        assertThat(TrainingService.shadowSettings(DEFAULTS)).isEqualTo(ShadowSettings.OFF);
        assertThat(ShadowSettings.OFF.enabled()).isFalse();
        assertThat(TrainingService.shadowSettings(new Shadow(200, 0.02, 5, Duration.ofDays(3), Duration.ofSeconds(10))))
                .isEqualTo(new ShadowSettings(200, 0.02, 5, Duration.ofDays(3)));
    }

    @Test
    void shouldRefuseValuesOutOfRangeNamingThePropertyAndItsVariable() {
        assertThatThrownBy(() -> TrainingService.shadowSettings(new Shadow(-5, 0.05, 3, Duration.ofDays(7),
                Duration.ofSeconds(10)))).isInstanceOf(ConfigurationException.class)
                .hasMessage("training.gate.shadow.samples must be 0 (no live gate) or positive, got -5 (environment: "
                        + "TRAINING_GATE_SHADOW_SAMPLES)");
        assertThatThrownBy(() -> TrainingService.shadowSettings(new Shadow(10, -0.1, 3, Duration.ofDays(7),
                Duration.ofSeconds(10)))).hasMessageStartingWith("training.gate.shadow.margin must be in [0, 1]");
        assertThatThrownBy(() -> TrainingService.shadowSettings(new Shadow(10, 0.05, 0, Duration.ofDays(7),
                Duration.ofSeconds(10)))).hasMessageStartingWith("training.gate.shadow.min-positives must be at least 1")
                .hasMessageEndingWith("(environment: TRAINING_GATE_SHADOW_MIN_POSITIVES)");
        assertThatThrownBy(() -> TrainingService.shadowSettings(new Shadow(10, 0.05, 3, Duration.ofDays(-1),
                Duration.ofSeconds(10)))).hasMessageStartingWith("training.gate.shadow.max-wait must be a positive");
        assertThatThrownBy(() -> TrainingService.shadowSettings(new Shadow(10, 0.05, 3, Duration.ofDays(7),
                Duration.ZERO))).hasMessageStartingWith("training.gate.shadow.judge-every must be a positive");
    }
}
