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
import io.tunet.core.loss.Scalars;
import io.tunet.core.onnx.OnnxGraph;
import io.tunet.core.onnx.OnnxExportable;

/**
 * An Inception-ResNet block: {@code relu(x + scale · up(branches(x)))}, where {@code up} is a linear 1×1
 * convolution (with bias, no batch norm) back to the input's width. The scale (0.1–0.3 in Szegedy et al.
 * 2016, §3.3) keeps the residual small so that a deep stack of them trains stably.
 */
final class ScaledResidual extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;

    private final Branches branches;
    private final ConvUnit up;
    private final float scale;

    /** A block for an input of {@code width} channels. */
    ScaledResidual(Branches branches, int width, float scale) {
        super(VERSION);
        this.branches = addChildBlock("branches", branches);
        this.up = addChildBlock("up", ConvUnit.builder().setFilters(width).optKernel(1)
                .optBatchNorm(false).optRelu(false).build());
        this.scale = scale;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray residual = up.forward(store, branches.forward(store, inputs, training), training).head();
        return new NDList(Activation.relu(inputs.head().add(scaled(residual, scale))));
    }

    /**
     * {@code x · factor} with a gradient that stays right. Not {@code x.mul(factor)}: DJL 0.36's PyTorch engine
     * makes the number a tensor over a Java direct buffer, multiplies and closes it, but autograd keeps that tensor
     * for the backward pass; once the garbage collector has freed the buffer, the backward pass reads whatever the
     * memory holds now (gradients of 6e9 or 2e-38 instead of 0.17 in 8 of 20 tries when a collection runs between
     * forward and backward; Inception-ResNet-v2 stopped on a NaN loss after 19 steps). {@code full} makes a
     * tensor libtorch owns, which autograd keeps alive.
     */
    static NDArray scaled(NDArray x, float factor) {
        return x.mul(Scalars.like(x, factor));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        branches.initialize(manager, dataType, inputShapes);
        Shape[] joined = branches.getOutputShapes(inputShapes);
        up.initialize(manager, dataType, joined);
        if (!up.getOutputShapes(joined)[0].equals(inputShapes[0])) {
            throw new IllegalArgumentException("residual of shape " + up.getOutputShapes(joined)[0]
                    + " cannot be added to " + inputShapes[0]);
        }
    }

    @Override
    public OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input) {
        OnnxGraph.Value residual = up.exportOnnx(graph, branches.exportOnnx(graph, input));
        return graph.relu(graph.add(input, graph.scale(residual, scale)));
    }
}
