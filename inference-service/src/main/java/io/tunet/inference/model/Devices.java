package io.tunet.inference.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which device ONNX Runtime serves on. DJL places a model on a GPU only when the engine can add the CUDA
 * execution provider and {@code Engine.getGpuCount() > 0}; otherwise on the CPU. With the GPU build of ONNX
 * Runtime (Maven profile {@code gpu}) and no usable GPU that is a fallback, reported loudly.
 */
public final class Devices {

    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    private static final String ENGINE = "OnnxRuntime";

    private Devices() {
    }

    /**
     * The device models load on.
     *
     * @param device its name, e.g. {@code cpu()} or {@code gpu(0)}
     * @param gpuBuild whether the ONNX Runtime on the class path was built with CUDA
     * @param fallback whether a GPU build found no usable GPU and serves on the CPU
     */
    public record Selection(String device, boolean gpuBuild, boolean fallback) {
    }

    /** Starts DJL's ONNX Runtime engine (before anything touches ONNX Runtime directly) and picks the device. */
    public static Selection detect() {
        Engine engine = Engine.getEngine(ENGINE);
        Device device = engine.defaultDevice();
        boolean gpuBuild = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        boolean fallback = gpuBuild && !device.isGpu();
        if (fallback) {
            LOG.error("*** ONNX Runtime GPU build on the class path but no usable GPU (GPUs seen: {}, CUDA 12 and "
                    + "cuDNN 9 needed): serving on the CPU, much slower ***", engine.getGpuCount());
        } else {
            LOG.info("ONNX Runtime serves on {}", device);
        }
        return new Selection(device.toString(), gpuBuild, fallback);
    }
}
