package io.tunet.stack.support;

import java.nio.file.Path;
import java.util.Arrays;

import ai.djl.Model;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxModelMetadata;

/**
 * The ONNX model the stack serves in these tests: TUNet in the CPU preset (S = 128, the size the pipeline
 * benchmark is specified at) with freshly initialised weights. Delivery, not accuracy, is under test here, so
 * training it would only cost minutes; the thresholds make nucleoplasm and cytosol always predicted (and nothing
 * else), so every result carries exactly two masks and a lost or duplicated mask shows.
 */
public final class ServingModel {

    /** Classes the model always predicts (threshold 0); every other class has threshold 1. */
    public static final int[] ALWAYS_PREDICTED = {0, 25};
    public static final String NAME = "tunet-e2e";

    private ServingModel() {
    }

    /** Exports the model to {@code dir/tunet-e2e.onnx} and returns the file. */
    public static Path export(Path dir, int inputSize) {
        TunetConfig config = new TunetConfig(inputSize, TunetConfig.CPU.baseWidth(), TunetConfig.CPU.depth(),
                TunetConfig.CPU.dropout(), false);
        float[] thresholds = new float[TunetConfig.NUM_CLASSES];
        Arrays.fill(thresholds, 1f);
        for (int c : ALWAYS_PREDICTED) {
            thresholds[c] = 0f;
        }
        OnnxModelMetadata metadata = OnnxModelMetadata.untuned(NAME, "1", inputSize).withThresholds(thresholds);
        try (Model model = Networks.newInitializedModel(NetworkSpec.tunet(config), 42)) {
            return OnnxExporter.export(model.getBlock(), metadata, dir.resolve(NAME + ".onnx"));
        }
    }
}
