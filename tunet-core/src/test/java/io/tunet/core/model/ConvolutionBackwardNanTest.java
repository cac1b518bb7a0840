package io.tunet.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Repro for the libtorch 2.7.1 convolution-backward NaN on this CPU (DESIGN §7), which depends on channel
 * counts: every distinct convolution (in, out, kernel height × width, stride) of every CPU-preset network
 * (TUNet, ResNet34, Inception-v3, Inception-ResNet-v2) runs forward and backward on random data, with the input
 * channels {@link ConvUnit} runs it with, and must give finite gradients.
 */
class ConvolutionBackwardNanTest {

    record ConvShape(long in, long out, long kernelHeight, long kernelWidth, long stride) {
    }

    static Stream<ConvShape> convolutionsOfThePresets() {
        Set<ConvShape> shapes = new LinkedHashSet<>();
        TunetConfig config = TunetConfig.CPU.withInputSize(64);
        for (NetworkSpec.Architecture architecture : NetworkSpec.Architecture.values()) {
            try (Model model = Networks.newInitializedModel(new NetworkSpec(architecture, config), 0)) {
                collect(model.getBlock(), shapes);
            }
        }
        return shapes.stream();
    }

    private static void collect(Block block, Set<ConvShape> shapes) {
        if (block instanceof Conv2d conv) {
            Shape w = conv.getParameters().get("weight").getArray().getShape();
            shapes.add(new ConvShape(w.get(1), w.get(0), w.get(2), w.get(3), conv.getStride().get(0)));
        }
        block.getChildren().values().forEach(child -> collect(child, shapes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutionsOfThePresets")
    void convolutionBackwardShouldGiveFiniteGradients(ConvShape conv) {
        Engine engine = Engine.getEngine(Networks.TRAINING_ENGINE);
        engine.setRandomSeed(5);
        try (NDManager manager = engine.newBaseManager()) {
            // as ConvUnit runs it: 28 input channels go through a 32-channel kernel (zero-padded), since the plain
            // 28-channel kernel computes wrong values here, and in one CI run also gave a NaN gradient
            long in = ConvUnit.channelsRun(conv.in());
            NDArray x = manager.randomNormal(new Shape(4, in, 32, 32));
            NDArray w = manager.randomNormal(new Shape(conv.out(), in, conv.kernelHeight(), conv.kernelWidth())).mul(0.1);
            NDArray b = manager.zeros(new Shape(conv.out()));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray y = Conv2d.conv2d(x, w, b, new Shape(conv.stride(), conv.stride()),
                        new Shape(conv.kernelHeight() / 2, conv.kernelWidth() / 2),
                        new Shape(1, 1), 1).singletonOrThrow();
                collector.backward(y.square().mean());
            }
            assertTrue(allFinite(x.getGradient()) && allFinite(w.getGradient()),
                    "non-finite gradient for " + conv);
        }
    }

    private static boolean allFinite(NDArray array) {
        return !array.isNaN().any().getBoolean() && !array.isInfinite().any().getBoolean();
    }
}
