package io.tunet.inference.model;

import io.tunet.core.onnx.OnnxModelException;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.onnx.TunetPrediction;
import io.tunet.inference.model.ModelRefusedException.Reason;
import io.tunet.schemas.HpaClasses;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Loads an ONNX file exported by tunet-core into a {@link ServingModel}: ONNX Runtime must accept it, its
 * signature must be the one this service serves (input {@code [N, 4, S, S]} with the expected S, 28 class
 * probabilities in HPA order, 28 mask planes), the thresholds must be 28 values in [0, 1], and two warm-up
 * batches (1 and the largest batch) must produce finite probabilities. Anything else is a
 * {@link ModelRefusedException} and nothing stays open.
 */
public final class ModelLoader {

    private final String device;
    private final int warmupBatch;

    /**
     * @param device the device name ONNX Runtime runs on (for outputs and metrics)
     * @param warmupBatch the largest batch the pipeline will run, warmed up before the model takes traffic
     */
    public ModelLoader(String device, int warmupBatch) {
        if (warmupBatch < 1) {
            throw new IllegalArgumentException("warm-up batch must be at least 1, was " + warmupBatch);
        }
        this.device = device;
        this.warmupBatch = warmupBatch;
    }

    /**
     * Loads, checks and warms up a model.
     *
     * @param file the ONNX file
     * @param name model name the outputs will carry
     * @param version model version the outputs will carry
     * @param expectedInputSize the input size the model version announces, if any
     * @param thresholds per-class thresholds to decide labels with, or null to use those in the file
     * @throws ModelRefusedException naming the problem
     */
    public ServingModel load(Path file, String name, long version, OptionalInt expectedInputSize, float[] thresholds)
            throws ModelRefusedException {
        String label = name + " v" + version;
        OnnxTunet onnx;
        try {
            onnx = OnnxTunet.load(file);
        } catch (OnnxModelException e) {
            throw new ModelRefusedException(Reason.INVALID_MODEL, label + ": " + e.getMessage(), e);
        }
        try {
            float[] decided = thresholds == null ? onnx.metadata().thresholds() : thresholds.clone();
            check(onnx, label, expectedInputSize, decided);
            warmUp(onnx, label);
            return new ServingModel(onnx, name, version, decided, device);
        } catch (ModelRefusedException | RuntimeException e) {
            onnx.close();
            throw e;
        }
    }

    private static void check(OnnxTunet onnx, String label, OptionalInt expectedInputSize, float[] thresholds)
            throws ModelRefusedException {
        int size = onnx.metadata().inputSize();
        if (expectedInputSize.isPresent() && expectedInputSize.getAsInt() != size) {
            throw new ModelRefusedException(Reason.WRONG_SIGNATURE, label + " announces input size "
                    + expectedInputSize.getAsInt() + " but the ONNX file takes " + size, null);
        }
        if (!onnx.hasMasks()) {
            throw new ModelRefusedException(Reason.WRONG_SIGNATURE, label
                    + " has no mask output; this service publishes masks for every sample", null);
        }
        if (!onnx.metadata().classNames().equals(HpaClasses.names())) {
            throw new ModelRefusedException(Reason.WRONG_SIGNATURE, label
                    + " outputs other classes than the 28 HPA classes in index order: "
                    + onnx.metadata().classNames(), null);
        }
        if (thresholds.length != HpaClasses.COUNT) {
            throw new ModelRefusedException(Reason.INVALID_THRESHOLDS, label + " has " + thresholds.length
                    + " thresholds, needs " + HpaClasses.COUNT, null);
        }
        for (int c = 0; c < thresholds.length; c++) {
            if (!(thresholds[c] >= 0f && thresholds[c] <= 1f)) {
                throw new ModelRefusedException(Reason.INVALID_THRESHOLDS, label + " threshold of class " + c
                        + " is " + thresholds[c] + ", not in [0, 1]", null);
            }
        }
    }

    private void warmUp(OnnxTunet onnx, String label) throws ModelRefusedException {
        int size = onnx.metadata().inputSize();
        try (OnnxTunet.Session session = onnx.newSession()) {
            for (int batch : warmupBatch == 1 ? new int[] {1} : new int[] {1, warmupBatch}) {
                TunetPrediction prediction = session.predict(new float[batch][4 * size * size]);
                for (float[] probabilities : prediction.probabilities()) {
                    for (float p : probabilities) {
                        if (!(p >= 0f && p <= 1f)) {
                            throw new ModelRefusedException(Reason.WARMUP_FAILED, label
                                    + " answered a warm-up batch with probability " + p, null);
                        }
                    }
                }
            }
        } catch (OnnxModelException | IllegalArgumentException e) {
            throw new ModelRefusedException(Reason.WARMUP_FAILED, label + ": " + e.getMessage(), e);
        }
    }
}
