package io.tunet.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DevicesTest {

    private static final Devices.Host CPU_BUILD = new Devices.Host(false, 0);
    private static final Devices.Host CUDA_BUILD_NO_GPU = new Devices.Host(true, 0);
    private static final Devices.Host TWO_GPUS = new Devices.Host(true, 2);

    @Test
    void shouldAskForTheFirstGpuOnAutoWhenOnnxRuntimeCanUseOneAndLetTheCpuStandIn() {
        assertThat(Devices.select("auto", TWO_GPUS)).isEqualTo(new Devices.Selection(Device.gpu(0), true, true));
    }

    @Test
    void shouldAskForTheCpuOnAutoWithoutAGpuAndCallItAFallbackOnlyOnACudaBuild() {
        assertThat(Devices.select("auto", CPU_BUILD)).isEqualTo(new Devices.Selection(Device.cpu(), false, true));
        assertThat(Devices.select("auto", CUDA_BUILD_NO_GPU))
                .isEqualTo(new Devices.Selection(Device.cpu(), true, true));
    }

    @Test
    void shouldKeepToTheCpuWhenToldEvenWithAGpu() {
        assertThat(Devices.select(" CPU ", TWO_GPUS)).isEqualTo(Devices.Selection.cpu());
    }

    @Test
    void shouldAskForTheNamedGpuOnlyWithoutFallback() {
        assertThat(Devices.select("gpu", TWO_GPUS)).isEqualTo(new Devices.Selection(Device.gpu(0), true, false));
        assertThat(Devices.select("gpu1", TWO_GPUS)).isEqualTo(new Devices.Selection(Device.gpu(1), true, false));
    }

    @Test
    void shouldRefuseToStartWhenTheNamedGpuCannotBeUsedOrTheSettingIsUnknown() {
        assertThatThrownBy(() -> Devices.select("gpu", CPU_BUILD)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inference.device=gpu").hasMessageContaining("CPU build: build with -Pgpu");
        assertThatThrownBy(() -> Devices.select("gpu2", TWO_GPUS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("can use 2 GPU(s)");
        assertThatThrownBy(() -> Devices.select("gpu(0)", TWO_GPUS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, cpu, gpu or gpuN");
    }
}
