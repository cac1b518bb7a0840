package io.tunet.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.masks.MaskPostProcessor;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxModelMetadata;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.inference.metrics.InferenceMetrics;
import io.tunet.inference.pipeline.SampleResults;
import io.tunet.schemas.HpaClasses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device ONNX Runtime is asked for follows the selection, and what is reported is what ONNX Runtime loaded.
 * This machine has no GPU and tunet's tests run the CPU build of ONNX Runtime, so every GPU load here fails for
 * real inside ONNX Runtime ("Failed to find CUDA shared provider"), as it would on a host without CUDA 12/cuDNN 9.
 */
class ModelLoaderTest {

    /** What {@link Devices.Host#detect()} reports on a CUDA host with one GPU. */
    private static final Devices.Host CUDA_HOST = new Devices.Host(true, 1);

    @TempDir
    static Path dir;

    private static Path model;

    private final List<Device> asked = new ArrayList<>();
    private final ModelLoader.OnnxLoad recording = (file, device) -> {
        asked.add(device);
        return OnnxTunet.load(file, device);
    };

    @BeforeAll
    static void export() {
        model = TestModels.export(dir, 1, TestModels.SIZE, "1");
    }

    @Test
    void shouldAskOnnxRuntimeForTheCpuAloneWhenTheSelectionIsTheCpu() throws Exception {
        ServingModel served = new ModelLoader(Devices.select("auto", new Devices.Host(false, 0)), 2, recording)
                .load(model, "tunet", 1, OptionalInt.empty(), null);
        try {
            assertThat(asked).containsExactly(Device.cpu());
            assertThat(served.device()).isEqualTo("cpu()");
            assertThat(served.placement().requested()).isEqualTo(Device.cpu());
            assertThat(served.placement().fallback()).isFalse();
            assertThat(served.placement().nodesPerProvider()).containsOnlyKeys("CPUExecutionProvider");
        } finally {
            served.release();
        }
    }

    @Test
    void shouldAskForTheSelectedGpuThenServeOnTheCpuReportCpuAndCountTheFallback() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InferenceMetrics metrics = new InferenceMetrics(meters);
        ModelLoader loader = new ModelLoader(Devices.select("auto", CUDA_HOST), 2, recording);
        try (ModelRegistry registry = new ModelRegistry("tunet", new LocalDirectoryBlobStore(dir.resolve("blobs")),
                loader, LoadMarkers.in(dir.resolve("markers")), metrics)) {
            ServingModel served = registry.loadFile(model, OptionalLong.of(1));

            assertThat(asked).containsExactly(Device.gpu(0), Device.cpu());
            assertThat(served.device()).isEqualTo("cpu()");
            assertThat(served.placement().requested()).isEqualTo(Device.gpu(0));
            assertThat(served.placement().fallback()).isTrue();
            assertThat(served.placement().providers()).isEqualTo("CPUExecutionProvider");
            assertThat(metrics.deviceFallback()).isTrue();
            assertThat(metrics.deviceFallbacks()).isEqualTo(1);
            assertThat(meters.get("inference.device.info").tag("device", "cpu()").tag("requested", "gpu(0)")
                    .tag("providers", "CPUExecutionProvider").gauge().value()).isEqualTo(1);
            assertThat(meters.find("inference.device.info").tag("device", "gpu(0)").gauge()).isNull();

            SampleResults results = SampleResults.of(TestSamples.inline("s-1", 1), served,
                    new float[HpaClasses.COUNT], new float[HpaClasses.COUNT * TestModels.SIZE * TestModels.SIZE],
                    MaskPostProcessor.defaults(), 1.0, Instant.EPOCH);
            assertThat(results.classification().getDevice()).isEqualTo("cpu()");
        }
    }

    @Test
    void shouldReportTheDeviceOnnxRuntimeLoadedOnNotTheOneAskedFor() throws Exception {
        // A stand-in that quietly loads on the CPU whatever it is asked, as DJL did before this was fixed.
        ModelLoader.OnnxLoad ignoresTheDevice = (file, device) -> {
            asked.add(device);
            return OnnxTunet.load(file, Device.cpu());
        };
        ServingModel served = new ModelLoader(Devices.select("auto", CUDA_HOST), 2, ignoresTheDevice)
                .load(model, "tunet", 1, OptionalInt.empty(), null);
        try {
            assertThat(asked).containsExactly(Device.gpu(0), Device.cpu());
            assertThat(served.device()).isEqualTo("cpu()");
            assertThat(served.placement().fallback()).isTrue();
        } finally {
            served.release();
        }
    }

    @Test
    void shouldRefuseAModelTheOnlyAllowedGpuCannotRun() {
        ModelLoader loader = new ModelLoader(Devices.select("gpu", CUDA_HOST), 2, recording);

        assertThatThrownBy(() -> loader.load(model, "tunet", 1, OptionalInt.empty(), null))
                .isInstanceOfSatisfying(ModelRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ModelRefusedException.Reason.DEVICE_UNAVAILABLE))
                .hasMessageContaining("not on gpu(0)").hasMessageContaining("CUDA");
        assertThat(asked).containsExactly(Device.gpu(0), Device.cpu());
    }

    /**
     * The Table 3 baselines (ResNet34, Inception-v3, Inception-ResNet-v2) export probabilities only; this service
     * publishes masks for every sample, so such a file is refused by its signature, naming what is missing.
     */
    @Test
    void shouldRefuseAClassificationBaselineWithoutMasksAsAWrongSignature() {
        Path inception;
        NetworkSpec spec = NetworkSpec.inceptionV3(new TunetConfig(TestModels.SIZE, 16, 2, 0.25f, false));
        try (Model baseline = Networks.newInitializedModel(spec, 1)) {
            inception = OnnxExporter.export(baseline.getBlock(),
                    OnnxModelMetadata.untuned("tunet", "1", TestModels.SIZE), dir.resolve("inceptionv3.onnx"));
        }
        ModelLoader loader = new ModelLoader(Devices.select("cpu", new Devices.Host(false, 0)), 2, recording);

        assertThatThrownBy(() -> loader.load(inception, "tunet", 1, OptionalInt.empty(), null))
                .isInstanceOfSatisfying(ModelRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ModelRefusedException.Reason.WRONG_SIGNATURE))
                .hasMessageContaining("has no mask output");
    }

    @Test
    void shouldRefuseACorruptFileAsAnInvalidModelAlsoWhenAGpuWasAsked() throws Exception {
        Path corrupt = Files.write(dir.resolve("corrupt.onnx"), new byte[] {1, 2, 3, 4});
        ModelLoader loader = new ModelLoader(Devices.select("auto", CUDA_HOST), 2, recording);

        assertThatThrownBy(() -> loader.load(corrupt, "tunet", 1, OptionalInt.empty(), null))
                .isInstanceOfSatisfying(ModelRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ModelRefusedException.Reason.INVALID_MODEL));
    }
}
