package io.tunet.core.onnx;

/**
 * A whole network that can be exported: it maps the {@code image} input to class logits and, for
 * segmentation models, per-class mask probabilities.
 */
public interface OnnxNetwork {

    /** The network's exported outputs before the final sigmoid on the logits. */
    record Outputs(OnnxGraph.Value logits, OnnxGraph.Value masks) {

        /** Whether the network produces masks (TUNet does, classification baselines do not). */
        public boolean hasMasks() {
            return masks != null;
        }
    }

    /** Appends the network's nodes reading {@code image} ({@code [N, 4, S, S]}). */
    Outputs exportOnnx(OnnxGraph graph, OnnxGraph.Value image);
}
