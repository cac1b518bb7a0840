package io.tunet.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.tunet.core.onnx.OnnxExportable;
import io.tunet.core.onnx.OnnxGraph;

/**
 * Doubles the resolution: a 1×1 convolution to 4·C channels, then pixel shuffle (ONNX {@code DepthToSpace},
 * mode CRD). Used instead of a transposed convolution, which DJL's PyTorch engine does not implement.
 */
public final class PixelShuffleUpsample extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;
    private static final int FACTOR = 2;

    private final int filters;
    private final ConvUnit expand;

    /**
     * An upsampler producing {@code filters} channels at twice the input resolution.
     *
     * @throws IllegalArgumentException if {@code filters} is not positive
     */
    public PixelShuffleUpsample(int filters) {
        super(VERSION);
        this.filters = filters;
        expand = addChildBlock("expand", ConvUnit.builder()
                .setFilters(filters * FACTOR * FACTOR).optKernel(1).optBatchNorm(false).optRelu(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = expand.forward(store, inputs, training).singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray shuffled = x.reshape(n, filters, FACTOR, FACTOR, h, w)
                .transpose(0, 1, 4, 2, 5, 3)
                .reshape(n, filters, h * FACTOR, w * FACTOR);
        return new NDList(shuffled);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), filters, s.get(2) * FACTOR, s.get(3) * FACTOR)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        expand.initialize(manager, dataType, inputShapes);
    }

    @Override
    public OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input) {
        return graph.depthToSpace(expand.exportOnnx(graph, input), FACTOR);
    }
}
