package io.tunet.core.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.model.TunetConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where ONNX Runtime runs a model, read back from what was loaded rather than from what was asked. */
class OnnxDeviceTest {

    @TempDir
    static Path dir;

    private static Path file;

    @BeforeAll
    static void export() {
        NetworkSpec spec = NetworkSpec.tunet(new TunetConfig(32, 16, 2, 0.25f, false));
        try (Model model = Networks.newInitializedModel(spec, 3)) {
            file = OnnxExporter.export(model.getBlock(), OnnxModelMetadata.untuned("tunet", "1", 32),
                    dir.resolve("tunet.onnx"));
        }
    }

    @Test
    void shouldReportTheCpuAndOnlyTheCpuProviderForACpuSession() throws Exception {
        List<Path> tempBefore = profileFolders();
        try (OnnxTunet onnx = OnnxTunet.load(file, Device.cpu())) {
            assertEquals(Device.cpu(), onnx.device());
            Map<String, Integer> nodes = onnx.nodesPerProvider();
            assertEquals(List.of("CPUExecutionProvider"), List.copyOf(nodes.keySet()));
            // the exported graph has dozens of nodes; ONNX Runtime fuses some of them, never all into one
            assertTrue(nodes.get("CPUExecutionProvider") > 5, "nodes: " + nodes);
        }
        assertEquals(tempBefore, profileFolders(), "profile folders are deleted");
    }

    @Test
    void shouldRefuseAGpuNamingOnnxRuntimesReasonWhenItCannotAddCuda() {
        // The CPU build of ONNX Runtime (tunet-core's) has no CUDA provider; a CUDA build on a GPU host would load.
        Engine.getEngine("OnnxRuntime");
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));

        OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxTunet.load(file, Device.gpu()));

        assertTrue(e.getMessage().contains("on gpu(0)"), e.getMessage());
        assertTrue(e.getMessage().contains("CUDA"), e.getMessage());
    }

    private static List<Path> profileFolders() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("tunet-ort-profile")).sorted().toList();
        }
    }
}
