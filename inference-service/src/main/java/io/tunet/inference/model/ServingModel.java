package io.tunet.inference.model;

import io.tunet.core.onnx.OnnxTunet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded, verified and warmed-up model version, shared by every inference thread. Each thread that
 * uses it holds a reference ({@link #acquire()} / {@link #release()}); the registry holds one while the
 * version is current. ONNX Runtime's session is closed when the last reference goes, so a hot swap never
 * closes a model under a batch that is still running on it.
 */
public final class ServingModel {

    private final OnnxTunet onnx;
    private final String name;
    private final long version;
    private final float[] thresholds;
    private final Placement placement;
    private final AtomicInteger references = new AtomicInteger(1);

    ServingModel(OnnxTunet onnx, String name, long version, float[] thresholds, Placement placement) {
        this.onnx = onnx;
        this.name = name;
        this.version = version;
        this.thresholds = thresholds.clone();
        this.placement = placement;
    }

    /** Model name, as on the {@code models} topic. */
    public String name() {
        return name;
    }

    /** Model version; every output names it. */
    public long version() {
        return version;
    }

    /** Side S of the square input the model expects (its masks have the same resolution). */
    public int inputSize() {
        return onnx.metadata().inputSize();
    }

    /** Per-class decision thresholds (28), from the model version. */
    public float[] thresholds() {
        return thresholds.clone();
    }

    /** The device its ONNX Runtime session runs on, e.g. {@code cpu()} or {@code gpu(0)}, read back after loading. */
    public String device() {
        return placement.device().toString();
    }

    /** Where it runs: device asked for and got, whether that is a CPU fallback, nodes per execution provider. */
    public Placement placement() {
        return placement;
    }

    /**
     * Takes a reference for the calling thread.
     *
     * @return false if the model was already closed (the caller must take the current one again)
     */
    public boolean acquire() {
        while (true) {
            int count = references.get();
            if (count <= 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the model. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            onnx.close();
        }
    }

    /** Whether the model has been closed (every reference given back). */
    public boolean isClosed() {
        return references.get() <= 0;
    }

    /** A session for the calling thread; the caller holds a reference while using it. */
    public OnnxTunet.Session newSession() {
        return onnx.newSession();
    }

    @Override
    public String toString() {
        return name + " v" + version + " (" + inputSize() + "², " + device() + ")";
    }
}
