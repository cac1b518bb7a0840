package io.tunet.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.tunet.core.onnx.OnnxExportable;
import io.tunet.core.onnx.OnnxGraph;

/** The U-Net stage: two 3×3 convolutions, each with batch normalisation and ReLU, resolution kept. */
public final class DoubleConv extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;

    private final ConvUnit first;
    private final ConvUnit second;

    /**
     * A stage with {@code filters} output channels.
     *
     * @throws IllegalArgumentException if {@code filters} is not positive
     */
    public DoubleConv(int filters) {
        super(VERSION);
        first = addChildBlock("conv1", ConvUnit.builder().setFilters(filters).build());
        second = addChildBlock("conv2", ConvUnit.builder().setFilters(filters).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return second.forward(store, first.forward(store, inputs, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return second.getOutputShapes(first.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        first.initialize(manager, dataType, inputShapes);
        second.initialize(manager, dataType, first.getOutputShapes(inputShapes));
    }

    @Override
    public OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input) {
        return second.exportOnnx(graph, first.exportOnnx(graph, input));
    }
}
