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
import java.util.ArrayList;
import java.util.List;

/**
 * The ResNet34 baseline of the paper's Table 3 for four-stain input: a 7×7 stride-2 stem, 3×3 max pool,
 * residual stages of 3, 4, 6 and 3 basic units (widths w, 2w, 4w, 8w), global average pooling, dropout and
 * a fully connected layer to 28 logits. Output {@code NDList(logits [N, 28])}; no masks.
 */
public final class ResNet34Block extends AbstractBlock implements OnnxNetwork {

    private static final byte VERSION = 1;
    private static final int[] UNITS_PER_STAGE = {3, 4, 6, 3};

    private final int width;
    private final ConvUnit stem;
    private final List<ResidualUnit> units = new ArrayList<>();
    private final Dropout dropout;
    private final Linear classifier;

    private ResNet34Block(Builder builder) {
        super(VERSION);
        width = builder.width;
        stem = addChildBlock("stem", ConvUnit.builder().setFilters(width).optKernel(7).optStride(2).build());
        for (int stage = 0; stage < UNITS_PER_STAGE.length; stage++) {
            for (int unit = 0; unit < UNITS_PER_STAGE[stage]; unit++) {
                boolean first = unit == 0 && stage > 0;
                units.add(addChildBlock("stage" + stage + "_unit" + unit,
                        new ResidualUnit(width << stage, first ? 2 : 1, first)));
            }
        }
        dropout = addChildBlock("dropout", Dropout.builder().optRate(builder.dropout).build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(TunetConfig.NUM_CLASSES).build());
    }

    /** A builder with the classic width 64 unless changed. */
    public static Builder builder() {
        return new Builder();
    }

    /** Channels of the stem and first stage. */
    public int width() {
        return width;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = stem.forward(store, inputs, training).head();
        x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        for (ResidualUnit unit : units) {
            x = unit.forward(store, new NDList(x), training).head();
        }
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
            throw new IllegalArgumentException("ResNet34 expects [N, 4, S, S], got " + input);
        }
        Shape x = initialize(stem, manager, dataType, input);
        x = new Shape(x.get(0), x.get(1), (x.get(2) - 1) / 2 + 1, (x.get(3) - 1) / 2 + 1);
        for (ResidualUnit unit : units) {
            x = initialize(unit, manager, dataType, x);
        }
        Shape pooled = new Shape(x.get(0), x.get(1));
        initialize(dropout, manager, dataType, pooled);
        initialize(classifier, manager, dataType, pooled);
    }

    private static Shape initialize(Block block, NDManager manager, DataType dataType, Shape input) {
        block.initialize(manager, dataType, input);
        return block.getOutputShapes(new Shape[] {input})[0];
    }

    @Override
    public Outputs exportOnnx(OnnxGraph graph, OnnxGraph.Value image) {
        OnnxGraph.Value x = graph.maxPool(stem.exportOnnx(graph, image), 3, 2, 1);
        for (ResidualUnit unit : units) {
            x = unit.exportOnnx(graph, x);
        }
        OnnxGraph.Value logits = graph.linear(graph.globalAveragePool(x),
                classifier.getParameters().get("weight").getArray(),
                classifier.getParameters().get("bias").getArray());
        return new Outputs(logits, null);
    }

    /** Builds a {@link ResNet34Block}: all settings optional, {@link #build()} validates. */
    public static final class Builder {
        private int width = 64;
        private float dropout = 0.25f;

        private Builder() {
        }

        /** Width of the stem and first stage (doubling per stage); 64 by default. */
        public Builder optWidth(int width) {
            this.width = width;
            return this;
        }

        /** Dropout before the classifier; 0.25 by default. */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Builds the block.
         *
         * @throws IllegalArgumentException if the width is not positive or the dropout is outside [0, 1)
         */
        public ResNet34Block build() {
            if (width <= 0) {
                throw new IllegalArgumentException("width must be positive, was " + width);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
            }
            return new ResNet34Block(this);
        }
    }
}
