package io.tunet.core.model;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxGraph;
import java.util.Locale;

/**
 * The cost of a network: trainable parameters and floating-point operations for one image (a multiply-add
 * counts as two; counted from the exported graph, so it is what ONNX Runtime executes).
 *
 * @param name a label for the row, e.g. {@code tunet/cpu}
 * @param spec the network
 * @param parameters trainable weights
 * @param flopsPerImage floating-point operations of one forward pass of one image
 */
public record ModelDescription(String name, NetworkSpec spec, long parameters, long flopsPerImage) {

    /** Builds the network (random weights) and measures it. */
    public static ModelDescription of(String name, NetworkSpec spec) {
        try (Model model = Networks.newInitializedModel(spec, 0)) {
            long parameters = model.getBlock().getParameters().values().stream()
                    .filter(Parameter::requiresGradient)
                    .mapToLong(p -> p.getArray().size())
                    .sum();
            OnnxGraph graph = OnnxExporter.buildGraph(model.getBlock(), name, spec.inputSize());
            return new ModelDescription(name, spec, parameters, graph.flops());
        }
    }

    /** One Markdown table row: name, input, width, depth, parameters (M), GFLOP per image. */
    public String markdownRow() {
        return String.format(Locale.ROOT, "| %s | %d² | %d | %d | %.2f M | %.2f |", name, spec.inputSize(),
                spec.config().baseWidth(), spec.config().depth(), parameters / 1e6, flopsPerImage / 1e9);
    }

    /** Header matching {@link #markdownRow()}. */
    public static String markdownHeader() {
        return "| model | input | base width | depth | parameters | GFLOP / image |\n|---|---|---|---|---|---|";
    }
}
