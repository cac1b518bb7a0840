package io.tunet.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class InceptionBlockTest {

    @ParameterizedTest(name = "{0} at {1}²: trunk {2}×{2}")
    @CsvSource({"INCEPTIONV3, 32, 1", "INCEPTIONV3, 128, 4", "INCEPTIONRESNETV2, 32, 1",
            "INCEPTIONRESNETV2, 128, 4"})
    void shouldReturnOnlyLogitsAndKeepAtLeastOnePixelToTheLastBlock(NetworkSpec.Architecture architecture, int size,
            int trunkSide) {
        NetworkSpec spec = new NetworkSpec(architecture, TunetConfig.CPU.withInputSize(size));
        try (Model model = Networks.newInitializedModel(spec, 1);
                NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.randomUniform(0, 1, new Shape(2, 4, size, size));
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
            assertEquals(1, out.size());
            assertEquals(new Shape(2, 28), out.head().getShape());
            assertTrue(!out.head().isNaN().any().getBoolean(), "NaN logits");
            Shape trunk = ((PooledClassifier) model.getBlock()).trunkOutputShape(new Shape(2, 4, size, size));
            assertEquals(trunkSide, trunk.get(2));
            assertEquals(trunkSide, trunk.get(3));
        }
    }

    @ParameterizedTest
    @EnumSource(value = NetworkSpec.Architecture.class, names = {"INCEPTIONV3", "INCEPTIONRESNETV2"})
    void oneBackwardPassShouldGiveFiniteGradientsToEveryWeight(NetworkSpec.Architecture architecture) {
        NetworkSpec spec = new NetworkSpec(architecture, TunetConfig.CPU.withInputSize(32));
        try (Model model = Networks.newInitializedModel(spec, 2);
                NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.randomUniform(0, 1, new Shape(4, 4, 32, 32));
            ParameterStore store = new ParameterStore(manager, false);
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                if (parameter.getValue().requiresGradient()) {
                    parameter.getValue().getArray().setRequiresGradient(true);
                }
            }
            try (GradientCollector collector = Engine.getEngine(Networks.TRAINING_ENGINE).newGradientCollector()) {
                NDArray logits = model.getBlock().forward(store, new NDList(x), true).head();
                collector.backward(logits.square().mean());
            }
            int withGradient = 0;
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                if (!parameter.getValue().requiresGradient()) {
                    continue;
                }
                NDArray gradient = parameter.getValue().getArray().getGradient();
                assertTrue(!gradient.isNaN().any().getBoolean() && !gradient.isInfinite().any().getBoolean(),
                        "non-finite gradient of " + parameter.getKey());
                if (gradient.abs().sum().getFloat() > 0) {
                    withGradient++;
                }
            }
            assertTrue(withGradient > 0, "no weight received a gradient");
        }
    }

    /**
     * The residual scaling must keep its gradient when the garbage collector runs between forward and backward:
     * DJL's {@code mul(Number)} lost it (8 of 20 tries here gave 6e9 or 2e-38 instead of 0.17).
     */
    @Test
    void residualScalingShouldKeepItsGradientWhenTheGarbageCollectorRunsBeforeBackward() {
        Engine engine = Engine.getEngine(Networks.TRAINING_ENGINE);
        for (int attempt = 0; attempt < 20; attempt++) {
            try (NDManager manager = engine.newBaseManager()) {
                NDArray x = manager.ones(new Shape(4));
                x.setRequiresGradient(true);
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray y = ScaledResidual.scaled(x, 0.17f);
                    System.gc();
                    List<ByteBuffer> reuse = new ArrayList<>();
                    for (int i = 0; i < 2000; i++) {
                        reuse.add(ByteBuffer.allocateDirect(4).putFloat(0, 12345f));
                    }
                    collector.backward(y.sum());
                }
                assertArrayEquals(new float[] {0.17f, 0.17f, 0.17f, 0.17f}, x.getGradient().toFloatArray(), 1e-7f,
                        "attempt " + attempt);
            }
        }
    }

    @Test
    void baseWidth64ShouldGiveThePublishedWidthsAndSmallerOnesMultiplesOf16() {
        for (int published : new int[] {32, 48, 64, 80, 96, 128, 160, 192, 224, 256, 288, 320, 384, 448}) {
            assertEquals(published, Inception.width(published, 64));
            int cpu = Inception.width(published, TunetConfig.CPU.baseWidth());
            assertEquals(0, cpu % 16, "width " + cpu);
            assertTrue(cpu >= 16 && Math.abs(cpu - published / 4.0) <= 8, published + " -> " + cpu);
        }
    }

    @Test
    void buildersShouldRefuseInvalidSettings() {
        assertThrows(IllegalArgumentException.class, () -> InceptionV3Block.of(0, 0.25f));
        assertThrows(IllegalArgumentException.class, () -> InceptionResNetV2Block.of(64, 1f));
        assertThrows(IllegalArgumentException.class, () -> ConvUnit.builder().setFilters(4).optKernel(1, 6).build());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.Architecture.parse("inceptionv4"));
        assertTrue(unknown.getMessage().contains("inceptionv3, inceptionresnetv2"), unknown.getMessage());
        assertEquals(NetworkSpec.Architecture.INCEPTIONRESNETV2, NetworkSpec.Architecture.parse("InceptionResNetV2"));
    }
}
