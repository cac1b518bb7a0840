package io.tunet.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.tunet.core.onnx.OnnxExportable;
import io.tunet.core.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * The Inception pattern: several branches read the same input and their outputs are concatenated along the
 * channel axis, in order. Every branch must keep the same resolution as the others.
 */
final class Branches extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;

    private final List<Block> branches = new ArrayList<>();

    /** Two or more branches, each a block that implements {@link OnnxExportable}. */
    Branches(List<? extends Block> branches) {
        super(VERSION);
        if (branches.size() < 2) {
            throw new IllegalArgumentException("need at least two branches, got " + branches.size());
        }
        for (Block branch : branches) {
            if (!(branch instanceof OnnxExportable)) {
                throw new IllegalArgumentException(branch.getClass().getSimpleName() + " cannot be exported");
            }
            this.branches.add(addChildBlock("branch", branch));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList outputs = new NDList(branches.size());
        for (Block branch : branches) {
            outputs.add(branch.forward(store, inputs, training).head());
        }
        NDArray joined = NDArrays.concat(outputs, 1);
        return new NDList(joined);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape first = null;
        long channels = 0;
        for (Block branch : branches) {
            Shape out = branch.getOutputShapes(inputShapes)[0];
            if (first == null) {
                first = out;
            } else if (out.get(2) != first.get(2) || out.get(3) != first.get(3)) {
                throw new IllegalStateException("branches disagree on resolution: " + first + " vs " + out);
            }
            channels += out.get(1);
        }
        return new Shape[] {new Shape(first.get(0), channels, first.get(2), first.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block branch : branches) {
            branch.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input) {
        List<OnnxGraph.Value> outputs = new ArrayList<>();
        for (Block branch : branches) {
            outputs.add(((OnnxExportable) branch).exportOnnx(graph, input));
        }
        return graph.concatChannels(outputs);
    }
}
