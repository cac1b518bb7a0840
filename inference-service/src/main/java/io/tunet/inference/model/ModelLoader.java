package io.tunet.inference.model;

import ai.djl.Device;
import io.tunet.core.onnx.OnnxModelException;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.onnx.TunetPrediction;
import io.tunet.inference.model.ModelRefusedException.Reason;
import io.tunet.schemas.HpaClasses;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads an ONNX file exported by tunet-core into a {@link ServingModel}: ONNX Runtime must accept it on the
 * selected device (see {@link Devices} for what happens when a GPU cannot run it), its signature must be the one
 * this service serves (input {@code [N, 4, S, S]} with the expected S, 28 class probabilities in HPA order, 28 mask
 * planes), the thresholds must be 28 values in [0, 1], and two warm-up batches (1 and the largest batch) must
 * produce finite probabilities. Anything else is a {@link ModelRefusedException} and nothing stays open. Where
 * the model runs is read back from ONNX Runtime ({@link Placement}) and logged.
 */
public final class ModelLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);
    private static final String CUDA_PROVIDER = "CUDAExecutionProvider";

    /** Loads an ONNX file on a device: {@link OnnxTunet#load(Path, Device)}, or a test's stand-in. */
    @FunctionalInterface
    interface OnnxLoad {
        OnnxTunet load(Path file, Device device);
    }

    private final Devices.Selection devices;
    private final int warmupBatch;
    private final OnnxLoad onnxLoad;

    /**
     * @param devices the device to ask ONNX Runtime for, and whether the CPU may stand in for a GPU
     * @param warmupBatch the largest batch the pipeline will run, warmed up before the model takes traffic
     */
    public ModelLoader(Devices.Selection devices, int warmupBatch) {
        this(devices, warmupBatch, OnnxTunet::load);
    }

    ModelLoader(Devices.Selection devices, int warmupBatch, OnnxLoad onnxLoad) {
        if (warmupBatch < 1) {
            throw new IllegalArgumentException("warm-up batch must be at least 1, was " + warmupBatch);
        }
        this.devices = Objects.requireNonNull(devices, "devices");
        this.warmupBatch = warmupBatch;
        this.onnxLoad = onnxLoad;
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
        Placed placed = place(file, label);
        OnnxTunet onnx = placed.onnx();
        try {
            float[] decided = thresholds == null ? onnx.metadata().thresholds() : thresholds.clone();
            check(onnx, label, expectedInputSize, decided);
            warmUp(onnx, label);
            Placement placement = placed.placement();
            LOG.info("{} runs on {} (asked for {}{}); nodes per ONNX Runtime execution provider in a profiled "
                    + "inference: {}", label, placement.device(), placement.requested(),
                    placement.fallback() ? ", a CPU fallback" : "", placement.nodesPerProvider());
            return new ServingModel(onnx, name, version, decided, placement);
        } catch (ModelRefusedException | RuntimeException e) {
            onnx.close();
            throw e;
        }
    }

    private record Placed(OnnxTunet onnx, Placement placement) {
    }

    /**
     * Loads on the requested device. A GPU counts only if ONNX Runtime created the session for it and its CUDA
     * provider ran nodes; otherwise the model loads on the CPU and serves there (a fallback) or, when
     * {@code inference.device} allows only the GPU, that load just tells a model the GPU cannot run from a broken one.
     */
    private Placed place(Path file, String label) throws ModelRefusedException {
        Device requested = devices.requested();
        String gpuProblem = null;
        if (requested.isGpu()) {
            OnnxTunet onnx = null;
            try {
                onnx = onnxLoad.load(file, requested);
                Map<String, Integer> nodes = onnx.nodesPerProvider();
                if (onnx.device().isGpu() && nodes.containsKey(CUDA_PROVIDER)) {
                    return new Placed(onnx, new Placement(requested, onnx.device(), false, nodes));
                }
                gpuProblem = "ONNX Runtime created its session for " + onnx.device() + " and ran its nodes on "
                        + nodes;
                onnx.close();
            } catch (OnnxModelException e) {
                gpuProblem = e.getMessage();
                if (onnx != null) {
                    onnx.close();
                }
            }
        }
        OnnxTunet onnx;
        try {
            onnx = onnxLoad.load(file, Device.cpu());
        } catch (OnnxModelException e) {
            throw new ModelRefusedException(Reason.INVALID_MODEL, label + ": " + e.getMessage(), e);
        }
        try {
            if (gpuProblem != null && !devices.cpuFallback()) {
                throw new ModelRefusedException(Reason.DEVICE_UNAVAILABLE, label + " runs on the CPU but not on "
                        + requested + ", the only device inference.device allows: " + gpuProblem, null);
            }
            Map<String, Integer> nodes;
            try {
                nodes = onnx.nodesPerProvider();
            } catch (OnnxModelException e) {
                throw new ModelRefusedException(Reason.WARMUP_FAILED, label + ": " + e.getMessage(), e);
            }
            if (gpuProblem != null) {
                LOG.error("*** {} cannot run on {} ({}): it loads on the CPU instead, much slower; counted in "
                        + "inference_device_fallbacks_total once it serves ***", label, requested, gpuProblem);
            }
            boolean fallback = devices.gpuWanted() && !onnx.device().isGpu();
            return new Placed(onnx, new Placement(requested, onnx.device(), fallback, nodes));
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
