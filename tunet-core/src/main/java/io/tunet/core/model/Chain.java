package io.tunet.core.model;

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

/** Exportable blocks applied one after the other: DJL's {@code SequentialBlock}, able to write ONNX. */
final class Chain extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;

    private final List<Block> links = new ArrayList<>();

    /** A chain of {@code links}, each a block that implements {@link OnnxExportable}. */
    Chain(List<? extends Block> links) {
        super(VERSION);
        if (links.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one block");
        }
        for (Block link : links) {
            if (!(link instanceof OnnxExportable)) {
                throw new IllegalArgumentException(link.getClass().getSimpleName() + " cannot be exported");
            }
            this.links.add(addChildBlock(link.getClass().getSimpleName(), link));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = inputs;
        for (Block link : links) {
            x = link.forward(store, x, training);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block link : links) {
            shapes = link.getOutputShapes(shapes);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block link : links) {
            link.initialize(manager, dataType, shapes);
            shapes = link.getOutputShapes(shapes);
        }
    }

    @Override
    public OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input) {
        OnnxGraph.Value x = input;
        for (Block link : links) {
            x = ((OnnxExportable) link).exportOnnx(graph, x);
        }
        return x;
    }
}
