package io.tunet.core.onnx;

import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exports an initialised {@link OnnxNetwork} block to ONNX: input {@code image [N, 4, S, S]}, outputs
 * {@code probabilities [N, 28]} (sigmoid of the logits) and, for segmentation models, {@code masks
 * [N, 28, S, S]}; dynamic batch; the {@link OnnxModelMetadata} in {@code metadata_props}.
 */
public final class OnnxExporter {

    /** Name of the graph input. */
    public static final String INPUT = "image";
    /** Name of the class-probability output. */
    public static final String PROBABILITIES = "probabilities";
    /** Name of the mask-probability output. */
    public static final String MASKS = "masks";

    private static final int INPUT_CHANNELS = 4;

    private OnnxExporter() {
    }

    /**
     * Builds the ONNX model of {@code block} in memory.
     *
     * @throws IllegalArgumentException if the block is not an {@link OnnxNetwork}
     * @throws IllegalStateException if the block is not initialised
     */
    public static OnnxMl.ModelProto toModel(Block block, OnnxModelMetadata metadata) {
        OnnxGraph graph = buildGraph(block, metadata.modelName(), metadata.inputSize());
        return graph.toModel(OnnxExporter.class.getPackage().getImplementationVersion() == null
                ? "dev" : OnnxExporter.class.getPackage().getImplementationVersion(), metadata.toProperties());
    }

    /**
     * Traces {@code block} into a graph for one {@code size × size} image; the graph's
     * {@link OnnxGraph#flops()} and {@link OnnxGraph#parameters()} describe the model's cost.
     */
    public static OnnxGraph buildGraph(Block block, String name, int size) {
        if (!(block instanceof OnnxNetwork network)) {
            throw new IllegalArgumentException(block.getClass().getSimpleName() + " cannot be exported to ONNX");
        }
        if (!block.isInitialized()) {
            throw new IllegalStateException("initialise the block before exporting it");
        }
        OnnxGraph graph = new OnnxGraph(name);
        OnnxNetwork.Outputs outputs = network.exportOnnx(graph, graph.input(INPUT, INPUT_CHANNELS, size));
        graph.output(graph.sigmoid(outputs.logits()), PROBABILITIES);
        if (outputs.hasMasks()) {
            graph.output(outputs.masks(), MASKS);
        }
        return graph;
    }

    /**
     * Writes the ONNX model of {@code block} to {@code file} (parent folders created).
     *
     * @throws OnnxModelException if the file cannot be written
     */
    public static Path export(Block block, OnnxModelMetadata metadata, Path file) {
        OnnxMl.ModelProto model = toModel(block, metadata);
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                model.writeTo(out);
            }
        } catch (IOException e) {
            throw new OnnxModelException("cannot write ONNX model to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
