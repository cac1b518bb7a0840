package io.tunet.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunet.imaging.qc.QcSettings;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class QcSettingsConfigTest {

    @Test
    void shouldTakeTheCalibratedDefaultsForWhatIsNotSet() {
        assertThat(InferenceService.qcSettings(qc(OptionalDouble.empty(), OptionalInt.empty())))
                .isEqualTo(QcSettings.defaults());
    }

    @Test
    void shouldTakeWhatIsSet() {
        QcSettings settings = InferenceService.qcSettings(qc(OptionalDouble.of(3.0), OptionalInt.of(5)));

        assertThat(settings.minFocus()).isEqualTo(3.0);
        assertThat(settings.minNuclei()).isEqualTo(5);
        assertThat(settings.minP999()).isEqualTo(QcSettings.defaults().minP999());
    }

    @Test
    void shouldRefuseAThresholdOutOfItsRangeNamingIt() {
        assertThatThrownBy(() -> InferenceService.qcSettings(qc(OptionalDouble.of(-1), OptionalInt.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minFocus");
    }

    private static InferenceConfig.Qc qc(OptionalDouble minFocus, OptionalInt minNuclei) {
        return new InferenceConfig.Qc() {
            @Override
            public OptionalInt minNucleusArea() {
                return OptionalInt.empty();
            }

            @Override
            public OptionalDouble minNucleusContrast() {
                return OptionalDouble.empty();
            }

            @Override
            public OptionalInt minNuclei() {
                return minNuclei;
            }

            @Override
            public OptionalDouble minForegroundFraction() {
                return OptionalDouble.empty();
            }

            @Override
            public OptionalDouble minFocus() {
                return minFocus;
            }

            @Override
            public OptionalDouble maxSaturatedFraction() {
                return OptionalDouble.empty();
            }

            @Override
            public OptionalDouble minP999() {
                return OptionalDouble.empty();
            }
        };
    }
}
