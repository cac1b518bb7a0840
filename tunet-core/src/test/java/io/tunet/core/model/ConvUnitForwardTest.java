package io.tunet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@link ConvUnit} computes what a direct loop computes, for input channel counts on both sides of libtorch's
 * wrong oneDNN kernels (more than 16 channels, not a multiple of 16, on this project's AMD EPYC machines: see
 * {@code ConvUnit}), TUNet's 28 class masks among them.
 */
class ConvUnitForwardTest {

    static Stream<Arguments> shapes() {
        List<Arguments> shapes = new ArrayList<>();
        for (int in : new int[] {4, 16, 17, 24, 28, 32, 40, 48}) {
            shapes.add(Arguments.of(in, 3, 3, 1));
            shapes.add(Arguments.of(in, 3, 3, 2));
        }
        shapes.add(Arguments.of(28, 1, 1, 1));
        // Inception's factorised convolutions, on both sides of the padded path.
        for (int in : new int[] {16, 28, 32}) {
            shapes.add(Arguments.of(in, 1, 7, 1));
            shapes.add(Arguments.of(in, 7, 1, 1));
            shapes.add(Arguments.of(in, 3, 1, 2));
        }
        return shapes.stream();
    }

    @ParameterizedTest(name = "in {0}, kernel {1}×{2}, stride {3}")
    @MethodSource("shapes")
    void shouldComputeWhatADirectLoopComputes(int in, int kernelHeight, int kernelWidth, int stride) {
        int n = 2;
        int size = 12;
        int out = 16;
        Engine engine = Engine.getEngine(Networks.TRAINING_ENGINE);
        engine.setRandomSeed(3);
        ConvUnit unit = ConvUnit.builder().setFilters(out).optKernel(kernelHeight, kernelWidth).optStride(stride)
                .optBatchNorm(false).optRelu(false).build();
        try (Model model = Model.newInstance("conv", Networks.TRAINING_ENGINE)) {
            model.setBlock(unit);
            NDManager manager = model.getNDManager();
            unit.initialize(manager, DataType.FLOAT32, new Shape(n, in, size, size));
            NDArray x = manager.randomNormal(new Shape(n, in, size, size));
            NDArray y = unit.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();

            float[] xs = x.toFloatArray();
            float[] w = parameter(unit, "weight");
            float[] b = parameter(unit, "bias");
            float[] ys = y.toFloatArray();
            int outHeight = (int) y.getShape().get(2);
            int outWidth = (int) y.getShape().get(3);
            assertEquals((size - 1) / stride + 1, outHeight, "\"same\" padding");
            assertEquals((size - 1) / stride + 1, outWidth, "\"same\" padding");
            int padHeight = kernelHeight / 2;
            int padWidth = kernelWidth / 2;
            double worst = 0;
            for (int s = 0; s < n; s++) {
                for (int o = 0; o < out; o++) {
                    for (int oy = 0; oy < outHeight; oy++) {
                        for (int ox = 0; ox < outWidth; ox++) {
                            double sum = b[o];
                            for (int c = 0; c < in; c++) {
                                for (int ky = 0; ky < kernelHeight; ky++) {
                                    for (int kx = 0; kx < kernelWidth; kx++) {
                                        int iy = oy * stride + ky - padHeight;
                                        int ix = ox * stride + kx - padWidth;
                                        if (iy >= 0 && ix >= 0 && iy < size && ix < size) {
                                            sum += xs[((s * in + c) * size + iy) * size + ix]
                                                    * w[((o * in + c) * kernelHeight + ky) * kernelWidth + kx];
                                        }
                                    }
                                }
                            }
                            worst = Math.max(worst, Math.abs(sum - ys[((s * out + o) * outHeight + oy) * outWidth + ox]));
                        }
                    }
                }
            }
            assertEquals(0, worst, 1e-4, "largest difference from the direct loop");
        }
    }

    /**
     * A forward pass leaves nothing behind in the model's manager: every array it makes, the zero-padded weight of
     * the padded path included, belongs to the input's manager and goes when the step closes it. The padded weight
     * was once made on the weight's manager, so every training step of TUNet (28 mask channels) left it there: 14-19 MB
     * more native memory per step at the cpu preset, about 3 GB an epoch of 953 fields. 16 channels, which need no
     * padding, are the control.
     */
    @ParameterizedTest(name = "in {0}")
    @ValueSource(ints = {16, 28})
    void shouldLeaveNothingInTheModelsManager(int in) {
        ConvUnit unit = ConvUnit.builder().setFilters(16).optKernel(3, 3).optStride(1).optBatchNorm(false)
                .optRelu(false).build();
        try (Model model = Model.newInstance("conv", Networks.TRAINING_ENGINE)) {
            model.setBlock(unit);
            BaseNDManager manager = (BaseNDManager) model.getNDManager();
            unit.initialize(manager, DataType.FLOAT32, new Shape(2, in, 12, 12));
            int before = manager.getManagedArrays().size();
            for (int step = 0; step < 5; step++) {
                try (NDManager stepManager = manager.newSubManager()) {
                    NDArray x = stepManager.randomNormal(new Shape(2, in, 12, 12));
                    unit.forward(new ParameterStore(stepManager, false), new NDList(x), true);
                }
            }
            assertEquals(before, manager.getManagedArrays().size(), "arrays left in the model's manager");
        }
    }

    /** A parameter of the unit's convolution by its own name (DJL prefixes the child block's). */
    private static float[] parameter(ConvUnit unit, String name) {
        return unit.getParameters().stream().filter(p -> p.getKey().endsWith("_" + name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + unit.getParameters().keys()))
                .getValue().getArray().toFloatArray();
    }
}
