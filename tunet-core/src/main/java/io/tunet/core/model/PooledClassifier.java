package io.tunet.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.tunet.core.onnx.OnnxGraph;
import io.tunet.core.onnx.OnnxNetwork;
import java.util.List;

/**
 * A classification network of the Inception family: a convolutional trunk, global average pooling, dropout and
 * a fully connected layer to 28 logits. Input {@code [N, 4, S, S]}; output {@code NDList(logits [N, 28])}; no
 * masks.
 */
abstract class PooledClassifier extends AbstractBlock implements OnnxNetwork {

    private final String name;
    private final Chain trunk;
    private final Dropout dropout;
    private final Linear classifier;

    PooledClassifier(byte version, String name, List<Block> trunk, float dropout) {
        super(version);
        this.name = name;
        this.trunk = addChildBlock("trunk", new Chain(trunk));
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(dropout).build());
        this.classifier = addChildBlock("classifier", Linear.builder().setUnits(TunetConfig.NUM_CLASSES).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = trunk.forward(store, inputs, training).head();
        NDArray pooled = Pool.globalAvgPool2d(x).reshape(x.getShape().get(0), -1);
        NDArray dropped = dropout.forward(store, new NDList(pooled), training).head();
        return classifier.forward(store, new NDList(dropped), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), TunetConfig.NUM_CLASSES)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        if (input.dimension() != 4 || input.get(1) != TunetConfig.INPUT_CHANNELS) {
            throw new IllegalArgumentException(name + " expects [N, 4, S, S], got " + input);
        }
        trunk.initialize(manager, dataType, input);
        Shape x = trunk.getOutputShapes(new Shape[] {input})[0];
        Shape pooled = new Shape(x.get(0), x.get(1));
        dropout.initialize(manager, dataType, pooled);
        classifier.initialize(manager, dataType, pooled);
    }

    /** Shape of the trunk's output (before pooling) for {@code input}. */
    public Shape trunkOutputShape(Shape input) {
        return trunk.getOutputShapes(new Shape[] {input})[0];
    }

    @Override
    public Outputs exportOnnx(OnnxGraph graph, OnnxGraph.Value image) {
        OnnxGraph.Value logits = graph.linear(graph.globalAveragePool(trunk.exportOnnx(graph, image)),
                classifier.getParameters().get("weight").getArray(),
                classifier.getParameters().get("bias").getArray());
        return new Outputs(logits, null);
    }

    static void validate(int baseWidth, float dropout) {
        if (baseWidth <= 0) {
            throw new IllegalArgumentException("base width must be positive, was " + baseWidth);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
    }
}
