package io.tunet.inference.model;

import java.util.Objects;

/**
 * A model version the service will not serve; the model serving now stays. {@link #reason()} is the tag of
 * the {@code inference_models_refused_total} metric, the message names the version and the problem.
 */
public final class ModelRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a model was refused. */
    public enum Reason {
        /** The ONNX file is not in the blob store, or cannot be read. */
        BLOB_UNAVAILABLE,
        /** The stored bytes do not match the version's sha256 or size. */
        CHECKSUM_MISMATCH,
        /** The file is not a loadable TUNet export (corrupt, foreign, or refused by ONNX Runtime). */
        INVALID_MODEL,
        /** Loadable, but not the input/output signature this service serves. */
        WRONG_SIGNATURE,
        /** The version's thresholds are not 28 values in [0, 1]. */
        INVALID_THRESHOLDS,
        /** The first inference on the model failed. */
        WARMUP_FAILED,
        /** It runs on the CPU but not on the GPU that {@code inference.device} names as the only device. */
        DEVICE_UNAVAILABLE,
        /** An earlier process died while loading it ({@link LoadMarkers}). */
        CRASHED_AT_LOAD,
        /** Signatures are required and its signature is missing, by an unknown key, or does not match. */
        UNTRUSTED
    }

    private final Reason reason;

    /** A refusal with its reason and a message naming the problem. */
    public ModelRefusedException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the model was refused. */
    public Reason reason() {
        return reason;
    }
}
