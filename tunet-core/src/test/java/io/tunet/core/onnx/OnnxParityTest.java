package io.tunet.core.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.model.TunetConfig;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class OnnxParityTest {

    private static final TunetConfig TINY = new TunetConfig(32, 16, 2, 0.25f, false);
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void tunetOnOnnxRuntimeMatchesPyTorchOnProbabilitiesAndMasks() {
        Result result = compare(NetworkSpec.tunet(TINY));
        assertTrue(result.maxProbabilityDiff < TOLERANCE, "probabilities differ by " + result.maxProbabilityDiff);
        assertTrue(result.maxMaskDiff < TOLERANCE, "masks differ by " + result.maxMaskDiff);
    }

    @Test
    void gatedTunetOnOnnxRuntimeMatchesPyTorchOnProbabilitiesAndMasks() {
        Result result = compare(NetworkSpec.tunet(TINY.withGatedMasks(true)));
        assertTrue(result.maxProbabilityDiff < TOLERANCE, "probabilities differ by " + result.maxProbabilityDiff);
        assertTrue(result.maxMaskDiff < TOLERANCE, "masks differ by " + result.maxMaskDiff);
    }

    @Test
    void resnet34OnOnnxRuntimeMatchesPyTorchAndHasNoMasks() {
        Result result = compare(NetworkSpec.resnet34(TINY));
        assertTrue(result.maxProbabilityDiff < TOLERANCE, "probabilities differ by " + result.maxProbabilityDiff);
        assertEquals(-1, result.maxMaskDiff);
    }

    /**
     * At 64² the Inception modules see 8×8 down to 2×2 maps: the factorised 1×7 / 7×1 convolutions, the
     * average pooling (padding left out of the mean) and the residual scaling all meet both borders and interior.
     */
    @ParameterizedTest
    @EnumSource(value = NetworkSpec.Architecture.class, names = {"INCEPTIONV3", "INCEPTIONRESNETV2"})
    void inceptionOnOnnxRuntimeMatchesPyTorchAndHasNoMasks(NetworkSpec.Architecture architecture) {
        Result result = compare(new NetworkSpec(architecture, TINY.withInputSize(64)));
        assertTrue(result.maxProbabilityDiff < TOLERANCE, "probabilities differ by " + result.maxProbabilityDiff);
        assertEquals(-1, result.maxMaskDiff);
    }

    @Test
    void exportedMetadataReadsBack() {
        try (Model model = Networks.newInitializedModel(NetworkSpec.tunet(TINY), 7)) {
            float[] thresholds = new float[TunetConfig.NUM_CLASSES];
            for (int c = 0; c < thresholds.length; c++) {
                thresholds[c] = 0.1f + c / 100f;
            }
            OnnxModelMetadata metadata = OnnxModelMetadata.untuned("tunet", "42", 32).withThresholds(thresholds);
            Path file = OnnxExporter.export(model.getBlock(), metadata, dir.resolve("m.onnx"));
            try (OnnxTunet onnx = OnnxTunet.load(file)) {
                assertEquals(metadata, onnx.metadata());
                assertTrue(onnx.hasMasks());
            }
        }
    }

    private record Result(double maxProbabilityDiff, double maxMaskDiff) {
    }

    private Result compare(NetworkSpec spec) {
        int batch = 3;
        int size = spec.inputSize();
        Random random = new Random(11);
        float[][] images = new float[batch][4 * size * size];
        for (float[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextFloat();
            }
        }
        try (Model model = Networks.newInitializedModel(spec, 3); NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.create(flatten(images), new Shape(batch, 4, size, size));
            ParameterStore store = new ParameterStore(manager, false);
            // Training-mode passes move the batch-norm running statistics away from their initial 0 and 1.
            for (int i = 0; i < 3; i++) {
                model.getBlock().forward(store, new NDList(x.mul(1 + i)), true);
            }
            NDList torch = model.getBlock().forward(store, new NDList(x), false);
            float[] torchProbabilities = torch.get(0).getNDArrayInternal().sigmoid().toFloatArray();

            Path file = OnnxExporter.export(model.getBlock(),
                    OnnxModelMetadata.untuned(spec.architecture().id(), "1", size), dir.resolve(spec.architecture().id() + ".onnx"));
            try (OnnxTunet onnx = OnnxTunet.load(file); OnnxTunet.Session session = onnx.newSession()) {
                TunetPrediction prediction = session.predict(images);
                assertEquals(batch, prediction.batchSize());
                double probabilityDiff = maxDiff(torchProbabilities, flatten(prediction.probabilities()));
                // Parity is only meaningful if the images get different answers.
                assertTrue(maxDiff(prediction.probabilities()[0], prediction.probabilities()[1]) > 1e-4,
                        "the model answers every image alike");
                System.out.printf("%s: max |diff| probabilities %.2e%n", spec.architecture().id(), probabilityDiff);
                if (!spec.hasMasks()) {
                    assertNull(prediction.masks());
                    return new Result(probabilityDiff, -1);
                }
                double maskDiff = maxDiff(torch.get(1).toFloatArray(), flatten(prediction.masks()));
                System.out.printf("%s: max |diff| masks %.2e%n", spec.architecture().id(), maskDiff);
                return new Result(probabilityDiff, maskDiff);
            }
        }
    }

    private static float[] flatten(float[][] rows) {
        int total = 0;
        for (float[] row : rows) {
            total += row.length;
        }
        float[] flat = new float[total];
        int offset = 0;
        for (float[] row : rows) {
            System.arraycopy(row, 0, flat, offset, row.length);
            offset += row.length;
        }
        return flat;
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "output sizes differ");
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
