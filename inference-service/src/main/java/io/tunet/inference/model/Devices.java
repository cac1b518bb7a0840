package io.tunet.inference.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which device models are asked to load on, from {@code inference.device} and what the host offers ONNX Runtime.
 * <ul>
 *   <li>{@code auto} (default): GPU 0 when ONNX Runtime can use a GPU, else the CPU. A model that cannot run on the
 *       GPU serves on the CPU instead: a fallback, logged as an error, counted, and reported as {@code cpu()}. A
 *       CUDA build of ONNX Runtime that finds no usable GPU serves every model on the CPU, each one a fallback.
 *   <li>{@code cpu}: the CPU; never a fallback.
 *   <li>{@code gpu} or {@code gpuN}: that GPU or nothing. Start-up fails when ONNX Runtime cannot use it, and a
 *       model that cannot run on it is refused ({@code DEVICE_UNAVAILABLE}).
 * </ul>
 * Where a model really runs is read back after loading ({@link Placement}), never assumed from this.
 */
public final class Devices {

    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    private static final String ENGINE = "OnnxRuntime";
    private static final Pattern GPU = Pattern.compile("gpu(\\d{0,3})");

    private Devices() {
    }

    /**
     * What the host offers ONNX Runtime.
     *
     * @param cudaBuild whether the ONNX Runtime on the class path was built with the CUDA execution provider
     *     (Maven profile {@code gpu}); says nothing about whether CUDA works here
     * @param usableGpus GPUs DJL counts when the CUDA provider can be added (0 on a CPU build, or without CUDA 12 and
     *     cuDNN 9)
     */
    public record Host(boolean cudaBuild, int usableGpus) {

        /** Starts DJL's ONNX Runtime engine (before anything touches ONNX Runtime directly) and asks it. */
        public static Host detect() {
            Engine engine = Engine.getEngine(ENGINE);
            return new Host(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), engine.getGpuCount());
        }
    }

    /**
     * The device models are asked to load on.
     *
     * @param requested the device ONNX Runtime is asked for
     * @param gpuWanted whether a GPU is wanted: a model serving on the CPU is then a fallback
     * @param cpuFallback whether a model that cannot run on the requested GPU serves on the CPU (otherwise refused)
     */
    public record Selection(Device requested, boolean gpuWanted, boolean cpuFallback) {

        /** The CPU, nothing else wanted. */
        public static Selection cpu() {
            return new Selection(Device.cpu(), false, false);
        }
    }

    /**
     * Chooses the device for {@code inference.device} on this host.
     *
     * @param setting {@code auto}, {@code cpu}, {@code gpu} or {@code gpuN}
     * @throws IllegalArgumentException if the setting is none of those
     * @throws IllegalStateException if it names a GPU ONNX Runtime cannot use here
     */
    public static Selection select(String setting, Host host) {
        String value = setting.strip().toLowerCase(Locale.ROOT);
        String build = host.cudaBuild() ? "CUDA" : "CPU";
        if (value.equals("cpu")) {
            LOG.info("inference.device=cpu: models load on the CPU (ONNX Runtime {} build, {} usable GPU(s))", build,
                    host.usableGpus());
            return Selection.cpu();
        }
        if (value.equals("auto")) {
            if (host.usableGpus() > 0) {
                LOG.info("inference.device=auto: models load on gpu(0), or on the CPU if one cannot run there "
                        + "(ONNX Runtime CUDA build, {} usable GPU(s))", host.usableGpus());
                return new Selection(Device.gpu(0), true, true);
            }
            if (host.cudaBuild()) {
                LOG.error("*** ONNX Runtime CUDA build on the class path but no usable GPU (CUDA 12 and cuDNN 9 "
                        + "needed): models load on the CPU, much slower; inference_device_fallback is 1 ***");
            } else {
                LOG.info("inference.device=auto: models load on the CPU (ONNX Runtime CPU build)");
            }
            return new Selection(Device.cpu(), host.cudaBuild(), true);
        }
        Matcher gpu = GPU.matcher(value);
        if (!gpu.matches()) {
            throw new IllegalArgumentException("inference.device must be auto, cpu, gpu or gpuN (N = 0, 1, ...), was '"
                    + setting + "'");
        }
        int id = gpu.group(1).isEmpty() ? 0 : Integer.parseInt(gpu.group(1));
        if (id >= host.usableGpus()) {
            throw new IllegalStateException("inference.device=" + setting + " but ONNX Runtime can use "
                    + host.usableGpus() + " GPU(s) here (" + (host.cudaBuild()
                            ? "CUDA build: are CUDA 12, cuDNN 9 and a GPU visible to this process?"
                            : "CPU build: build with -Pgpu")
                    + "); inference.device=auto would serve on the CPU instead");
        }
        LOG.info("inference.device={}: models load on gpu({}) only; one that cannot run there is refused", setting, id);
        return new Selection(Device.gpu(id), true, false);
    }
}
