package io.tunet.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
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
 * TUNet (paper §3.1): a U-Net whose decoder ends in 28 per-class sigmoid masks at input resolution, and a
 * classifier that combines appearance features (the deepest encoder output through a stride-2 convolution
 * and ReLU) with structural features (the predicted masks through stride-1 and stride-2 convolutions down
 * to the same resolution), pooled per channel, dropped out and mapped to 28 logits.
 *
 * <p>With {@link TunetConfig#gatedMasks()} the output mask of class c is the mask head's plane c times the
 * classifier's probability of c: the chance that a pixel shows class c, as the product of "this field shows c"
 * and "this pixel is where c would be". The structural features still read the ungated planes, so the classifier
 * does not depend on itself. The gate adds no parameter. It tests a reading of why the ungated network draws only a
 * few classes' planes (HPA-Synth's weak labels give every labelled class the same protein mask; gated, every plane
 * may draw it and the classifier says which keep it). Measured on HPA-Synth v1 it is worse on both counts (macro-F1
 * 0.548 against 0.751, mask Dice 0.518 against 0.566; tunet-core README, "Mask loss"), so no preset uses it.
 *
 * <p>Input {@code [N, 4, S, S]} (red, green, blue, yellow). Output {@code NDList(logits [N, 28],
 * masks [N, 28, S, S])}, the masks already through the sigmoid, the logits not (the loss and the exported
 * graph apply it).
 */
public final class TunetBlock extends AbstractBlock implements OnnxNetwork {

    private static final byte VERSION = 1;
    private static final Shape POOL = new Shape(2, 2);

    private final TunetConfig config;
    private final List<DoubleConv> encoder = new ArrayList<>();
    private final Dropout bottleneckDropout;
    private final List<PixelShuffleUpsample> upsamplers = new ArrayList<>();
    private final List<DoubleConv> decoder = new ArrayList<>();
    private final ConvUnit maskHead;
    private final ConvUnit appearance;
    private final List<ConvUnit> structural = new ArrayList<>();
    private final Dropout headDropout;
    private final Linear classifier;

    private TunetBlock(TunetConfig config) {
        super(VERSION);
        this.config = config;
        int depth = config.depth();
        for (int level = 0; level <= depth; level++) {
            encoder.add(addChildBlock("encoder_" + level, new DoubleConv(config.width(level))));
        }
        bottleneckDropout = addChildBlock("bottleneck_dropout",
                Dropout.builder().optRate(config.dropout()).build());
        for (int level = depth - 1; level >= 0; level--) {
            upsamplers.add(addChildBlock("up_" + level, new PixelShuffleUpsample(config.width(level))));
            decoder.add(addChildBlock("decoder_" + level, new DoubleConv(config.width(level))));
        }
        maskHead = addChildBlock("mask_head", ConvUnit.builder().setFilters(TunetConfig.NUM_CLASSES)
                .optKernel(1).optBatchNorm(false).optRelu(false).build());
        appearance = addChildBlock("appearance", ConvUnit.builder()
                .setFilters(config.width(depth)).optStride(2).optBatchNorm(false).build());
        structural.add(addChildBlock("structural_0", ConvUnit.builder().setFilters(config.width(0)).build()));
        for (int step = 1; step <= depth + 1; step++) {
            structural.add(addChildBlock("structural_" + step, ConvUnit.builder()
                    .setFilters(config.width(Math.min(step, depth))).optStride(2).build()));
        }
        headDropout = addChildBlock("head_dropout", Dropout.builder().optRate(config.dropout()).build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(TunetConfig.NUM_CLASSES).build());
    }

    /** A builder; {@link Builder#setInputSize(int)} and {@link Builder#setBaseWidth(int)} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A TUNet of the given configuration. */
    public static TunetBlock of(TunetConfig config) {
        return new TunetBlock(config);
    }

    /** The configuration this block was built from. */
    public TunetConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray image = inputs.head();
        List<NDArray> skips = new ArrayList<>();
        NDArray x = encoder.get(0).forward(store, new NDList(image), training).head();
        for (int level = 1; level < encoder.size(); level++) {
            skips.add(x);
            x = Pool.maxPool2d(x, POOL, POOL, new Shape(0, 0), false);
            x = encoder.get(level).forward(store, new NDList(x), training).head();
        }
        NDArray bottleneck = bottleneckDropout.forward(store, new NDList(x), training).head();
        x = bottleneck;
        for (int i = 0; i < decoder.size(); i++) {
            NDArray up = upsamplers.get(i).forward(store, new NDList(x), training).head();
            NDArray skip = skips.get(skips.size() - 1 - i);
            x = decoder.get(i).forward(store, new NDList(NDArrays.concat(new NDList(skip, up), 1)), training).head();
        }
        NDArray masks = ai.djl.nn.Activation.sigmoid(maskHead.forward(store, new NDList(x), training).head());

        NDArray appearanceFeatures = appearance.forward(store, new NDList(bottleneck), training).head();
        NDArray s = masks;
        for (ConvUnit unit : structural) {
            s = unit.forward(store, new NDList(s), training).head();
        }
        NDArray features = NDArrays.concat(new NDList(appearanceFeatures, s), 1);
        NDArray pooled = Pool.globalAvgPool2d(features).reshape(features.getShape().get(0), -1);
        NDArray dropped = headDropout.forward(store, new NDList(pooled), training).head();
        NDArray logits = classifier.forward(store, new NDList(dropped), training).head();
        if (config.gatedMasks()) {
            NDArray gate = ai.djl.nn.Activation.sigmoid(logits).reshape(logits.getShape().get(0),
                    TunetConfig.NUM_CLASSES, 1, 1);
            return new NDList(logits, masks.mul(gate));
        }
        return new NDList(logits, masks);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        int size = (int) inputShapes[0].get(2);
        return new Shape[] {
            new Shape(n, TunetConfig.NUM_CLASSES),
            new Shape(n, TunetConfig.NUM_CLASSES, size, size)
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        if (input.dimension() != 4 || input.get(1) != TunetConfig.INPUT_CHANNELS) {
            throw new IllegalArgumentException("TUNet expects [N, 4, S, S], got " + input);
        }
        long n = input.get(0);
        List<Shape> skipShapes = new ArrayList<>();
        Shape x = input;
        for (int level = 0; level < encoder.size(); level++) {
            if (level > 0) {
                skipShapes.add(x);
                x = new Shape(n, x.get(1), x.get(2) / 2, x.get(3) / 2);
            }
            x = initialize(encoder.get(level), manager, dataType, x);
        }
        Shape bottleneck = initialize(bottleneckDropout, manager, dataType, x);
        for (int i = 0; i < decoder.size(); i++) {
            Shape up = initialize(upsamplers.get(i), manager, dataType, x);
            Shape skip = skipShapes.get(skipShapes.size() - 1 - i);
            x = initialize(decoder.get(i), manager, dataType,
                    new Shape(n, skip.get(1) + up.get(1), up.get(2), up.get(3)));
        }
        Shape masks = initialize(maskHead, manager, dataType, x);
        Shape appearanceShape = initialize(appearance, manager, dataType, bottleneck);
        Shape s = masks;
        for (ConvUnit unit : structural) {
            s = initialize(unit, manager, dataType, s);
        }
        Shape pooled = new Shape(n, appearanceShape.get(1) + s.get(1));
        initialize(headDropout, manager, dataType, pooled);
        initialize(classifier, manager, dataType, pooled);
    }

    private static Shape initialize(ai.djl.nn.Block block, NDManager manager, DataType dataType, Shape input) {
        block.initialize(manager, dataType, input);
        return block.getOutputShapes(new Shape[] {input})[0];
    }

    @Override
    public Outputs exportOnnx(OnnxGraph graph, OnnxGraph.Value image) {
        List<OnnxGraph.Value> skips = new ArrayList<>();
        OnnxGraph.Value x = encoder.get(0).exportOnnx(graph, image);
        for (int level = 1; level < encoder.size(); level++) {
            skips.add(x);
            x = encoder.get(level).exportOnnx(graph, graph.maxPool(x, 2, 2, 0));
        }
        OnnxGraph.Value bottleneck = x;
        for (int i = 0; i < decoder.size(); i++) {
            OnnxGraph.Value up = upsamplers.get(i).exportOnnx(graph, x);
            x = decoder.get(i).exportOnnx(graph, graph.concatChannels(skips.get(skips.size() - 1 - i), up));
        }
        OnnxGraph.Value masks = graph.sigmoid(maskHead.exportOnnx(graph, x));
        OnnxGraph.Value s = masks;
        for (ConvUnit unit : structural) {
            s = unit.exportOnnx(graph, s);
        }
        OnnxGraph.Value features = graph.concatChannels(appearance.exportOnnx(graph, bottleneck), s);
        OnnxGraph.Value logits = graph.linear(graph.globalAveragePool(features),
                classifier.getParameters().get("weight").getArray(),
                classifier.getParameters().get("bias").getArray());
        if (config.gatedMasks()) {
            return new Outputs(logits, graph.mulPerChannel(masks, graph.sigmoid(logits)));
        }
        return new Outputs(logits, masks);
    }

    /** Builds a {@link TunetBlock}: required {@code set…}, optional {@code opt…}, {@link #build()} validates. */
    public static final class Builder {
        private int inputSize;
        private int baseWidth;
        private int depth = TunetConfig.CPU.depth();
        private float dropout = TunetConfig.CPU.dropout();
        private boolean gatedMasks = TunetConfig.CPU.gatedMasks();

        private Builder() {
        }

        /** Side S of the square input (required). */
        public Builder setInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** Channels of the first encoder stage (required). */
        public Builder setBaseWidth(int baseWidth) {
            this.baseWidth = baseWidth;
            return this;
        }

        /** Number of down-sampling levels; 4 by default. */
        public Builder optDepth(int depth) {
            this.depth = depth;
            return this;
        }

        /** Dropout rate at the end of the contracting path and before the classifier; 0.25 by default. */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Whether each class's mask is gated by the class probability; as the {@code cpu} preset by default. */
        public Builder optGatedMasks(boolean gatedMasks) {
            this.gatedMasks = gatedMasks;
            return this;
        }

        /**
         * Builds the block.
         *
         * @throws IllegalArgumentException if the configuration is invalid (see {@link TunetConfig})
         */
        public TunetBlock build() {
            return new TunetBlock(new TunetConfig(inputSize, baseWidth, depth, dropout, gatedMasks));
        }
    }
}
