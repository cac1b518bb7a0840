package io.tunet.inference.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferenceMetricsTest {

    @Test
    void shouldDescribeOnlyTheServingModelsPlacementAndCountEachFallback() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InferenceMetrics metrics = new InferenceMetrics(meters);

        metrics.placement("cpu()", "gpu(0)", true, Map.of("CPUExecutionProvider", 24));
        metrics.placement("gpu(0)", "gpu(0)", false, Map.of("CUDAExecutionProvider", 300, "CPUExecutionProvider", 2));

        assertThat(meters.get("inference.device.info").gauges()).singleElement().satisfies(g -> {
            assertThat(g.getId().getTag("device")).isEqualTo("gpu(0)");
            assertThat(g.getId().getTag("requested")).isEqualTo("gpu(0)");
            assertThat(g.value()).isEqualTo(1);
        });
        assertThat(meters.get("inference.device.nodes").tag("provider", "CUDAExecutionProvider").gauge().value())
                .isEqualTo(300);
        assertThat(meters.get("inference.device.nodes").gauges()).extracting(Gauge::value)
                .containsExactlyInAnyOrder(300.0, 2.0);
        assertThat(metrics.deviceFallback()).isFalse();
        assertThat(metrics.deviceFallbacks()).isEqualTo(1);
    }
}
