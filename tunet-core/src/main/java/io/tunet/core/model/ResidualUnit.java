package io.tunet.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.tunet.core.onnx.OnnxExportable;
import io.tunet.core.onnx.OnnxGraph;

/**
 * The basic residual unit of ResNet-18/34: two 3×3 convolutions with batch normalisation, added to the
 * input (through a 1×1 projection when the stride or width changes), then ReLU.
 */
public final class ResidualUnit extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;

    private final ConvUnit first;
    private final ConvUnit second;
    private final ConvUnit projection;

    /**
     * A unit with {@code filters} output channels.
     *
     * @param project whether the shortcut needs a projection (stride 2 or a change of width)
     */
    public ResidualUnit(int filters, int stride, boolean project) {
        super(VERSION);
        first = addChildBlock("conv1", ConvUnit.builder().setFilters(filters).optStride(stride).build());
        second = addChildBlock("conv2", ConvUnit.builder().setFilters(filters).optRelu(false).build());
        projection = project
                ? addChildBlock("shortcut", ConvUnit.builder().setFilters(filters).optKernel(1)
                        .optStride(stride).optRelu(false).build())
                : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray residual = second.forward(store, first.forward(store, inputs, training), training).head();
        NDArray shortcut = projection == null ? inputs.head() : projection.forward(store, inputs, training).head();
        return new NDList(Activation.relu(residual.add(shortcut)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return second.getOutputShapes(first.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        first.initialize(manager, dataType, inputShapes);
        second.initialize(manager, dataType, first.getOutputShapes(inputShapes));
        if (projection != null) {
            projection.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input) {
        OnnxGraph.Value residual = second.exportOnnx(graph, first.exportOnnx(graph, input));
        OnnxGraph.Value shortcut = projection == null ? input : projection.exportOnnx(graph, input);
        return graph.relu(graph.add(residual, shortcut));
    }
}
