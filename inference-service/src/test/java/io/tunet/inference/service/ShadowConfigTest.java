package io.tunet.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code inference.shadow.fraction} as the service reads it: the module's application.properties and environment
 * variables, through the same {@code @ConfigMapping} and {@link InferenceService#settings}, which the start runs first.
 */
class ShadowConfigTest {

    @Test
    void shouldBeOffByDefault() throws Exception {
        assertThat(InferenceService.settings(config(Map.of())).shadowFraction()).isZero();
    }

    @Test
    void shouldTakeTheFractionFromTheEnvironment() throws Exception {
        assertThat(InferenceService.settings(config(Map.of("TUNET_INFERENCE_SHADOW_FRACTION", "0.25")))
                .shadowFraction()).isEqualTo(0.25);
        assertThat(InferenceService.settings(config(Map.of("INFERENCE_SHADOW_FRACTION", "1"))).shadowFraction())
                .isEqualTo(1.0);
    }

    @Test
    void shouldRefuseToStartWithAFractionOutsideZeroToOneNamingTheSetting() throws Exception {
        for (String bad : new String[] {"1.5", "-0.1", "NaN"}) {
            InferenceConfig config = config(Map.of("TUNET_INFERENCE_SHADOW_FRACTION", bad));
            assertThatThrownBy(() -> InferenceService.settings(config))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("inference.shadow.fraction")
                    .hasMessageContaining(String.valueOf(Double.parseDouble(bad)));
        }
    }

    private static InferenceConfig config(Map<String, String> environment) throws Exception {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withConverter(Duration.class, 200, new DurationConverter()) // "10ms", as Quarkus reads it
                .withSources(new PropertiesConfigSource(
                        ShadowConfigTest.class.getResource("/application.properties"), 250))
                .withSources(new EnvConfigSource(environment, 300))
                .withMapping(InferenceConfig.class)
                .build();
        return config.getConfigMapping(InferenceConfig.class);
    }
}
