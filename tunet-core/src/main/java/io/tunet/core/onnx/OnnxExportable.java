package io.tunet.core.onnx;

/**
 * A block that writes its own inference-mode computation into an {@link OnnxGraph} from its parameters.
 * The block must be initialised (its parameters exist) before export.
 */
public interface OnnxExportable {

    /** Appends this block's nodes reading {@code input} and returns the block's output value. */
    OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input);
}
