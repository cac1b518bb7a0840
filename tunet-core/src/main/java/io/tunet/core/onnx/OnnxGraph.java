package io.tunet.core.onnx;

import ai.djl.ndarray.NDArray;
import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX graph (opset 13) node by node, the way blocks describe themselves for export.
 *
 * <p>Every value carries its static shape for a batch of one, so the graph also counts the floating-point
 * operations of one image (a multiply-add counts as two). The batch dimension of the exported inputs and
 * outputs is symbolic ({@code N}).
 */
public final class OnnxGraph {

    /** The ONNX operator set the nodes are written for. */
    public static final int OPSET = 13;

    /**
     * A named tensor in the graph with its shape for a batch of one ({@code [1, C, H, W]} or {@code [1, F]}).
     */
    public record Value(String name, long[] shape) {

        /** Channels (dimension 1). */
        public long channels() {
            return shape[1];
        }

        /** Height (dimension 2) of a 4-D value. */
        public long height() {
            return shape[2];
        }

        /** Width (dimension 3) of a 4-D value. */
        public long width() {
            return shape[3];
        }
    }

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private int counter;
    private long flops;
    private long parameters;

    /** A graph with the given name. */
    public OnnxGraph(String name) {
        graph.setName(name);
    }

    /** Floating-point operations of one image through every node added so far. */
    public long flops() {
        return flops;
    }

    /** Number of trainable weights stored as initializers (running statistics excluded). */
    public long parameters() {
        return parameters;
    }

    /** Declares a float input {@code [N, channels, size, size]} with a dynamic batch dimension. */
    public Value input(String name, int channels, int size) {
        long[] shape = {1, channels, size, size};
        graph.addInput(valueInfo(name, shape));
        return new Value(name, shape);
    }

    /** Declares {@code value} as a graph output under {@code name} (an Identity node renames it). */
    public Value output(Value value, String name) {
        node("Identity", List.of(value.name()), name, List.of());
        graph.addOutput(valueInfo(name, value.shape()));
        return new Value(name, value.shape());
    }

    /** 2-D convolution with square kernel, stride and symmetric padding; {@code bias} may be null. */
    public Value conv(Value x, NDArray weight, NDArray bias, int stride, int padding) {
        return conv(x, weight, bias, stride, padding, padding);
    }

    /**
     * 2-D convolution whose kernel (height × width, from the weight's shape) need not be square, as Inception's
     * factorised 1×7 and 7×1 convolutions: {@code padHeight} rows above and below, {@code padWidth} columns left
     * and right; the same stride on both axes; {@code bias} may be null.
     */
    public Value conv(Value x, NDArray weight, NDArray bias, int stride, int padHeight, int padWidth) {
        long[] w = weight.getShape().getShape();
        if (w.length != 4 || w[1] != x.channels()) {
            throw new IllegalArgumentException("conv weight " + Arrays.toString(w) + " does not fit input "
                    + Arrays.toString(x.shape()));
        }
        long kernelHeight = w[2];
        long kernelWidth = w[3];
        List<String> inputs = new ArrayList<>(List.of(x.name(), weights("conv_w", weight, true)));
        if (bias != null) {
            inputs.add(weights("conv_b", bias, true));
        }
        long h = (x.height() + 2L * padHeight - kernelHeight) / stride + 1;
        long wd = (x.width() + 2L * padWidth - kernelWidth) / stride + 1;
        if (h < 1 || wd < 1) {
            throw new IllegalArgumentException("conv " + kernelHeight + "×" + kernelWidth + " stride " + stride
                    + " leaves nothing of " + Arrays.toString(x.shape()));
        }
        flops += 2L * w[0] * w[1] * kernelHeight * kernelWidth * h * wd;
        String out = node("Conv", inputs, fresh("conv"), List.of(
                ints("kernel_shape", kernelHeight, kernelWidth),
                ints("strides", stride, stride),
                ints("pads", padHeight, padWidth, padHeight, padWidth)));
        return new Value(out, new long[] {1, w[0], h, wd});
    }

    /** Batch normalisation in inference mode with the stored running statistics. */
    public Value batchNorm(Value x, NDArray gamma, NDArray beta, NDArray mean, NDArray variance, float epsilon) {
        String out = node("BatchNormalization",
                List.of(x.name(), weights("bn_gamma", gamma, true), weights("bn_beta", beta, true),
                        weights("bn_mean", mean, false), weights("bn_var", variance, false)),
                fresh("bn"), List.of(floatAttribute("epsilon", epsilon)));
        flops += 2L * elements(x.shape());
        return new Value(out, x.shape());
    }

    /** Element-wise max(x, 0). */
    public Value relu(Value x) {
        return new Value(node("Relu", List.of(x.name()), fresh("relu"), List.of()), x.shape());
    }

    /** Element-wise logistic sigmoid. */
    public Value sigmoid(Value x) {
        return new Value(node("Sigmoid", List.of(x.name()), fresh("sigmoid"), List.of()), x.shape());
    }

    /** Element-wise sum of two values of the same shape. */
    public Value add(Value a, Value b) {
        requireSameShape(a, b);
        flops += elements(a.shape());
        return new Value(node("Add", List.of(a.name(), b.name()), fresh("add"), List.of()), a.shape());
    }

    /** Concatenation along the channel axis. */
    public Value concatChannels(Value a, Value b) {
        return concatChannels(List.of(a, b));
    }

    /** Concatenation of two or more values of the same height and width along the channel axis, in order. */
    public Value concatChannels(List<Value> values) {
        if (values.size() < 2) {
            throw new IllegalArgumentException("concatenation needs at least two values, got " + values.size());
        }
        Value first = values.get(0);
        long channels = 0;
        List<String> names = new ArrayList<>();
        for (Value value : values) {
            if (value.height() != first.height() || value.width() != first.width()) {
                throw new IllegalArgumentException("cannot concatenate " + Arrays.toString(first.shape()) + " and "
                        + Arrays.toString(value.shape()));
            }
            channels += value.channels();
            names.add(value.name());
        }
        String out = node("Concat", names, fresh("concat"), List.of(intAttribute("axis", 1)));
        return new Value(out, new long[] {1, channels, first.height(), first.width()});
    }

    /** Element-wise product with a constant, as the residual scaling of Inception-ResNet. */
    public Value scale(Value x, float factor) {
        String constant = fresh("scale");
        graph.addInitializer(OnnxMl.TensorProto.newBuilder()
                .setName(constant)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addFloatData(factor));
        flops += elements(x.shape());
        return new Value(node("Mul", List.of(x.name(), constant), fresh("mul"), List.of()), x.shape());
    }

    /**
     * {@code maps [N, C, H, W]} with channel c of each image multiplied by {@code weights [N, C]} at c (an
     * Unsqueeze to {@code [N, C, 1, 1]} and a broadcasting Mul).
     */
    public Value mulPerChannel(Value maps, Value weights) {
        if (maps.shape().length != 4 || weights.shape().length != 2 || weights.channels() != maps.channels()) {
            throw new IllegalArgumentException("cannot weight the channels of " + Arrays.toString(maps.shape())
                    + " by " + Arrays.toString(weights.shape()));
        }
        String axes = fresh("axes");
        graph.addInitializer(OnnxMl.TensorProto.newBuilder()
                .setName(axes)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addDims(2)
                .addInt64Data(2)
                .addInt64Data(3));
        String column = node("Unsqueeze", List.of(weights.name(), axes), fresh("unsqueeze"), List.of());
        flops += elements(maps.shape());
        return new Value(node("Mul", List.of(maps.name(), column), fresh("mul"), List.of()), maps.shape());
    }

    /** Moves blocks of {@code block²} channels into space; the same layout as PyTorch's pixel shuffle. */
    public Value depthToSpace(Value x, int block) {
        long area = (long) block * block;
        if (x.channels() % area != 0) {
            throw new IllegalArgumentException("channels " + x.channels() + " not divisible by " + area);
        }
        String out = node("DepthToSpace", List.of(x.name()), fresh("d2s"), List.of(
                intAttribute("blocksize", block), stringAttribute("mode", "CRD")));
        return new Value(out, new long[] {1, x.channels() / area, x.height() * block, x.width() * block});
    }

    /** Max pooling with a square window, stride and symmetric padding (floor mode). */
    public Value maxPool(Value x, int kernel, int stride, int padding) {
        String out = node("MaxPool", List.of(x.name()), fresh("maxpool"), List.of(
                ints("kernel_shape", kernel, kernel),
                ints("strides", stride, stride),
                ints("pads", padding, padding, padding, padding)));
        long h = (x.height() + 2L * padding - kernel) / stride + 1;
        long w = (x.width() + 2L * padding - kernel) / stride + 1;
        return new Value(out, new long[] {1, x.channels(), h, w});
    }

    /**
     * Average pooling with a square window, stride and symmetric padding (floor mode); padded cells count as
     * zeros in every window's mean ({@code count_include_pad}), as in PyTorch's default and torchvision's
     * Inception-v3 (and as DJL 0.36's PyTorch engine always computes it: it ignores {@code countIncludePad=false}).
     */
    public Value avgPool(Value x, int kernel, int stride, int padding) {
        String out = node("AveragePool", List.of(x.name()), fresh("avgpool"), List.of(
                ints("kernel_shape", kernel, kernel),
                ints("strides", stride, stride),
                ints("pads", padding, padding, padding, padding),
                intAttribute("count_include_pad", 1)));
        long h = (x.height() + 2L * padding - kernel) / stride + 1;
        long w = (x.width() + 2L * padding - kernel) / stride + 1;
        long[] shape = {1, x.channels(), h, w};
        flops += (long) kernel * kernel * elements(shape);
        return new Value(out, shape);
    }

    /** Mean over height and width per channel, flattened to {@code [N, C]}. */
    public Value globalAveragePool(Value x) {
        String pooled = node("GlobalAveragePool", List.of(x.name()), fresh("gap"), List.of());
        flops += elements(x.shape());
        String out = node("Flatten", List.of(pooled), fresh("flatten"), List.of(intAttribute("axis", 1)));
        return new Value(out, new long[] {1, x.channels()});
    }

    /** Fully connected layer {@code x · Wᵀ + b} with DJL's weight layout {@code [out, in]}. */
    public Value linear(Value x, NDArray weight, NDArray bias) {
        long[] w = weight.getShape().getShape();
        if (w.length != 2 || w[1] != x.shape()[1]) {
            throw new IllegalArgumentException("linear weight " + Arrays.toString(w) + " does not fit input "
                    + Arrays.toString(x.shape()));
        }
        flops += 2L * w[0] * w[1];
        String out = node("Gemm", List.of(x.name(), weights("fc_w", weight, true), weights("fc_b", bias, true)),
                fresh("gemm"), List.of(intAttribute("transB", 1)));
        return new Value(out, new long[] {1, w[0]});
    }

    /** The complete model with the given metadata as {@code metadata_props}. */
    public OnnxMl.ModelProto toModel(String producerVersion, Map<String, String> metadata) {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(7)
                .setProducerName("tunet-core")
                .setProducerVersion(producerVersion)
                .setGraph(graph.build())
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        metadata.forEach((key, value) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    private String weights(String hint, NDArray array, boolean trainable) {
        String name = fresh(hint);
        float[] values = array.toFloatArray();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(com.google.protobuf.ByteString.copyFrom(bytes.array()));
        for (long dim : array.getShape().getShape()) {
            tensor.addDims(dim);
        }
        graph.addInitializer(tensor);
        if (trainable) {
            parameters += values.length;
        }
        return name;
    }

    private String node(String op, List<String> inputs, String output, List<OnnxMl.AttributeProto> attributes) {
        graph.addNode(OnnxMl.NodeProto.newBuilder()
                .setOpType(op)
                .setName(output + "_node")
                .addAllInput(inputs)
                .addOutput(output)
                .addAllAttribute(attributes));
        return output;
    }

    private String fresh(String hint) {
        return hint + "_" + counter++;
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long[] shape) {
        OnnxMl.TensorShapeProto.Builder dims = OnnxMl.TensorShapeProto.newBuilder();
        dims.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int i = 1; i < shape.length; i++) {
            dims.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i]));
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(dims)))
                .build();
    }

    private static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder attribute = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    private static OnnxMl.AttributeProto intAttribute(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static OnnxMl.AttributeProto floatAttribute(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static OnnxMl.AttributeProto stringAttribute(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long dim : shape) {
            n *= dim;
        }
        return n;
    }

    private static void requireSameShape(Value a, Value b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("shapes differ: " + Arrays.toString(a.shape()) + " vs "
                    + Arrays.toString(b.shape()));
        }
    }
}
