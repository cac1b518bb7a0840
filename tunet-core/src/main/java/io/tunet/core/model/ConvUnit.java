package io.tunet.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.tunet.core.onnx.OnnxExportable;
import io.tunet.core.onnx.OnnxGraph;

/**
 * A 2-D convolution, optionally followed by batch normalisation and ReLU: the building brick of every network
 * in this package. The kernel is square (3×3 by default) or, for Inception's factorised convolutions, any odd
 * height × width (1×7, 7×1). "Same" padding on each axis; the stride divides the resolution (rounding up).
 */
public final class ConvUnit extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;
    private static final float BN_EPSILON = 1e-5f;
    /** Input channel counts above this and not a multiple of it go through {@link #paddedConvolution}. */
    private static final long CHANNEL_BLOCK = 16;

    private final int kernelHeight;
    private final int kernelWidth;
    private final int stride;
    private final boolean relu;
    private final Conv2d conv;
    private final BatchNorm norm;

    private ConvUnit(Builder builder) {
        super(VERSION);
        kernelHeight = builder.kernelHeight;
        kernelWidth = builder.kernelWidth;
        stride = builder.stride;
        relu = builder.relu;
        conv = addChildBlock("conv", Conv2d.builder()
                .setKernelShape(new Shape(kernelHeight, kernelWidth))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernelHeight / 2, kernelWidth / 2))
                .setFilters(builder.filters)
                .optBias(!builder.batchNorm)
                .build());
        norm = builder.batchNorm
                ? addChildBlock("bn", BatchNorm.builder().optEpsilon(BN_EPSILON).build())
                : null;
    }

    /** A builder; {@link Builder#setFilters(int)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NDList x = channelsRun(input.getShape().get(1)) == input.getShape().get(1)
                ? conv.forward(store, inputs, training)
                : paddedConvolution(store, input, training);
        if (norm != null) {
            x = norm.forward(store, x, training);
        }
        return relu ? new NDList(Activation.relu(x.singletonOrThrow())) : x;
    }

    /**
     * How many input channels the convolution of {@code inputChannels} runs with: the count itself up to
     * {@link #CHANNEL_BLOCK} and at its multiples, otherwise the next multiple ({@link #paddedConvolution}).
     */
    static long channelsRun(long inputChannels) {
        return inputChannels < CHANNEL_BLOCK || inputChannels % CHANNEL_BLOCK == 0 ? inputChannels
                : (inputChannels / CHANNEL_BLOCK + 1) * CHANNEL_BLOCK;
    }

    /**
     * The convolution with input channels and weights zero-padded to a multiple of {@link #CHANNEL_BLOCK}: the
     * same result and gradients, through a kernel that computes them correctly. On this project's AMD EPYC
     * machines (AVX-512 with BF16 and VNNI), libtorch 2.7.1's oneDNN convolution returns wrong values, off by
     * up to 1.9 for unit-scale data, whenever the input has more than 16 channels and not a multiple of 16
     * (TUNet's structural branch reads the 28 class masks); ONNX Runtime computes the same layer correctly, so
     * what was trained was not what was served. {@code ConvUnitForwardTest} checks every shape against a loop.
     */
    private NDList paddedConvolution(ParameterStore store, NDArray input, boolean training) {
        Shape shape = input.getShape();
        long missing = channelsRun(shape.get(1)) - shape.get(1);
        NDArray weight = store.getValue(conv.getParameters().get("weight"), input.getDevice(), training);
        NDArray bias = norm != null ? null
                : store.getValue(conv.getParameters().get("bias"), input.getDevice(), training);
        NDArray paddedInput = input.concat(input.getManager().zeros(new Shape(shape.get(0), missing, shape.get(2),
                shape.get(3)), input.getDataType(), input.getDevice()), 1);
        Shape w = weight.getShape();
        NDArray paddedWeight = weight.concat(input.getManager().zeros(
                new Shape(w.get(0), missing, w.get(2), w.get(3)), weight.getDataType(), weight.getDevice()), 1);
        // A step's arrays belong to its input's manager: on the weight's (the model's) the padded weight outlived the
        // step, and each TUNet training step held 14-19 MB more native memory (TunetBlockTest, ConvUnitForwardTest).
        paddedWeight.attach(input.getManager());
        return Conv2d.conv2d(paddedInput, paddedWeight, bias, new Shape(stride, stride),
                new Shape(kernelHeight / 2, kernelWidth / 2), new Shape(1, 1), 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        if (norm != null) {
            norm.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
        }
    }

    @Override
    public OnnxGraph.Value exportOnnx(OnnxGraph graph, OnnxGraph.Value input) {
        Parameter bias = norm == null ? conv.getParameters().get("bias") : null;
        OnnxGraph.Value x = graph.conv(input, conv.getParameters().get("weight").getArray(),
                bias == null ? null : bias.getArray(), stride, kernelHeight / 2, kernelWidth / 2);
        if (norm != null) {
            x = graph.batchNorm(x,
                    norm.getParameters().get("gamma").getArray(),
                    norm.getParameters().get("beta").getArray(),
                    norm.getParameters().get("runningMean").getArray(),
                    norm.getParameters().get("runningVar").getArray(),
                    BN_EPSILON);
        }
        return relu ? graph.relu(x) : x;
    }

    /** Builds a {@link ConvUnit}: required {@code set…}, optional {@code opt…}, {@link #build()} validates. */
    public static final class Builder {
        private int filters;
        private int kernelHeight = 3;
        private int kernelWidth = 3;
        private int stride = 1;
        private boolean batchNorm = true;
        private boolean relu = true;

        private Builder() {
        }

        /** Output channels (required, positive). */
        public Builder setFilters(int filters) {
            this.filters = filters;
            return this;
        }

        /** Odd size of a square kernel; 3 by default. */
        public Builder optKernel(int kernel) {
            return optKernel(kernel, kernel);
        }

        /** Odd kernel height and width, e.g. 1 × 7 for a factorised 7×7 convolution; 3 × 3 by default. */
        public Builder optKernel(int height, int width) {
            this.kernelHeight = height;
            this.kernelWidth = width;
            return this;
        }

        /** Stride; 1 by default. */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        /** Batch normalisation after the convolution (then the convolution has no bias); on by default. */
        public Builder optBatchNorm(boolean batchNorm) {
            this.batchNorm = batchNorm;
            return this;
        }

        /** ReLU at the end; on by default. */
        public Builder optRelu(boolean relu) {
            this.relu = relu;
            return this;
        }

        /**
         * Builds the unit.
         *
         * @throws IllegalArgumentException if filters or stride is not positive or the kernel is not odd
         */
        public ConvUnit build() {
            if (filters <= 0) {
                throw new IllegalArgumentException("filters must be set and positive, was " + filters);
            }
            if (kernelHeight <= 0 || kernelHeight % 2 == 0 || kernelWidth <= 0 || kernelWidth % 2 == 0) {
                throw new IllegalArgumentException("kernel must be odd and positive on both axes, was "
                        + kernelHeight + "×" + kernelWidth);
            }
            if (stride <= 0) {
                throw new IllegalArgumentException("stride must be positive, was " + stride);
            }
            return new ConvUnit(this);
        }
    }
}
