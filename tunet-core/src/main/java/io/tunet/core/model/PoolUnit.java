package io.tunet.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.tunet.core.onnx.OnnxExportable;
import io.tunet.core.onnx.OnnxGraph;

/**
 * 3×3 max or average pooling with "same" padding (one pixel each side), so stride 1 keeps the resolution and
 * stride 2 halves it, rounding up. Average pooling counts the padding as zeros in each mean (PyTorch's default,
 * torchvision's Inception-v3); DJL 0.36's PyTorch engine ignores {@code countIncludePad=false}, so the other
 * convention is not available to training.
 */
final class PoolUnit extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;
    private static final int KERNEL = 3;
    private static final int PAD = KERNEL / 2;

    private final boolean max;
    private final int stride;

    private PoolUnit(boolean max, int stride) {
        super(VERSION);
        this.max = max;
        this.stride = stride;
    }

    /** 3×3 max pooling with the given stride. */
    static PoolUnit max(int stride) {
        return new PoolUnit(true, stride);
    }

    /** 3×3 average pooling, stride 1 (the pooling branch of the Inception modules). */
    static PoolUnit average() {
        return new PoolUnit(false, 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        Shape window = new Shape(KERNEL, KERNEL);
        Shape strides = new Shape(stride, stride);
        Shape padding = new Shape(PAD, PAD);
        return new NDList(max
                ? Pool.maxPool2d(inputs.head(), window, strides, padding, false)
                : Pool.avgPool2d(inputs.head(), window, strides, padding, false, true));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), (x.get(2) + 2 * PAD - KERNEL) / stride + 1,
                (x.get(3) + 2 * PAD - KERNEL) / stride + 1)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no parameters
    }

    @Override
    public OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input) {
        return max ? graph.maxPool(input, KERNEL, stride, PAD) : graph.avgPool(input, KERNEL, stride, PAD);
    }
}
