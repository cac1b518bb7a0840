package io.tunet.core.onnx;

/**
 * An ONNX model that cannot be exported, read or run: unreadable file, missing or invalid metadata, wrong
 * input signature, or a failure inside ONNX Runtime. The message names the problem.
 */
public class OnnxModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error with its reason. */
    public OnnxModelException(String message) {
        super(message);
    }

    /** An error with its reason and cause. */
    public OnnxModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
