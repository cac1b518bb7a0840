package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a batch without an answer shows the model broken. */
class PipelineSettingsTest {

    private static final PipelineSettings DEFAULTS = PipelineSettings.defaults("localhost:9092", "group");

    @Test
    void shouldTakeAFullBatchWithoutAnAnswerForABrokenModel() {
        assertThat(DEFAULTS.brokenModelBatch()).isEqualTo(8);
    }

    @Test
    void shouldTakeTwoSamplesWhenBatchesHoldOne() {
        assertThat(DEFAULTS.withBatching(1, Duration.ZERO).brokenModelBatch()).isEqualTo(2);
    }

    @Test
    void shouldLeavePermitsForFreshSamplesWhenEveryThreadHoldsSamplesBack() {
        // 4 threads may each hold back 2 samples: 8 of 12 permits, 4 left for the samples that decide
        assertThat(DEFAULTS.withThreads(4, 1, 12, 32).brokenModelBatch()).isEqualTo(3);
        // 3 threads may each hold back 1 sample: 3 of 5 permits
        assertThat(DEFAULTS.withBatching(2, Duration.ZERO).withThreads(3, 1, 5, 32).brokenModelBatch()).isEqualTo(2);
    }

    @Test
    void shouldHoldNothingBackWithoutAPermitToSpare() {
        assertThat(DEFAULTS.withBatching(1, Duration.ZERO).withThreads(2, 1, 2, 32).brokenModelBatch()).isEqualTo(1);
    }
}
