package io.tunet.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TunetBlockTest {

    @Test
    void shouldReturnLogitsAndMasksAtInputResolution() {
        TunetConfig config = new TunetConfig(32, 16, 2, 0.25f, false);
        try (Model model = Networks.newInitializedModel(NetworkSpec.tunet(config), 1);
                NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.randomUniform(0, 1, new Shape(2, 4, 32, 32));
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
            assertEquals(new Shape(2, 28), out.get(0).getShape());
            assertEquals(new Shape(2, 28, 32, 32), out.get(1).getShape());
            float[] masks = out.get(1).toFloatArray();
            for (float m : masks) {
                assertTrue(m >= 0 && m <= 1, "mask value outside [0, 1]: " + m);
            }
            assertArrayEquals(new Shape[] {new Shape(2, 28), new Shape(2, 28, 32, 32)},
                    model.getBlock().getOutputShapes(new Shape[] {new Shape(2, 4, 32, 32)}));
        }
    }

    /**
     * The gate multiplies plane c by the probability of c and changes nothing else: the same parameters give the
     * same logits, and each gated mask is the ungated one times sigmoid(logit), so no gated pixel exceeds it.
     */
    @Test
    void gatedMasksShouldBeThePlanesTimesTheClassProbabilities() {
        TunetConfig plain = new TunetConfig(32, 16, 2, 0.25f, false);
        try (Model ungated = Networks.newInitializedModel(NetworkSpec.tunet(plain), 3);
                Model gated = Networks.newInitializedModel(NetworkSpec.tunet(plain.withGatedMasks(true)), 3);
                NDManager manager = ungated.getNDManager().newSubManager()) {
            NDArray x = manager.randomUniform(0, 1, new Shape(2, 4, 32, 32));
            NDList a = ungated.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
            NDList b = gated.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
            float[] logits = a.get(0).toFloatArray();
            assertArrayEquals(logits, b.get(0).toFloatArray(), 1e-6f);
            float[] planes = a.get(1).toFloatArray();
            float[] masks = b.get(1).toFloatArray();
            int area = 32 * 32;
            for (int i = 0; i < masks.length; i++) {
                int sampleClass = i / area;
                double probability = 1 / (1 + Math.exp(-logits[sampleClass]));
                assertEquals(planes[i] * probability, masks[i], 1e-5, "pixel " + i);
            }
        }
    }

    @Test
    void resnet34ShouldReturnOnlyLogits() {
        try (Model model = Networks.newInitializedModel(NetworkSpec.resnet34(new TunetConfig(64, 16, 2, 0f, false)), 1);
                NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.randomUniform(0, 1, new Shape(3, 4, 64, 64));
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
            assertEquals(1, out.size());
            assertEquals(new Shape(3, 28), out.get(0).getShape());
        }
    }

    /**
     * A training-mode forward pass of each network leaves no array in the model's manager: what a step makes goes
     * when the step's manager closes. One that did (the padded convolution's weight) cost TUNet 14-19 MB of native
     * memory per training step, and a 12-epoch run of the first model's recipe was killed by the kernel at 24 GB.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(NetworkSpec.Architecture.class)
    void aForwardPassShouldLeaveNothingInTheModelsManager(NetworkSpec.Architecture architecture) {
        NetworkSpec spec = new NetworkSpec(architecture, new TunetConfig(32, 16, 2, 0.25f, false));
        try (Model model = Networks.newInitializedModel(spec, 1)) {
            BaseNDManager manager = (BaseNDManager) model.getNDManager();
            int before = manager.getManagedArrays().size();
            for (int step = 0; step < 3; step++) {
                try (NDManager stepManager = manager.newSubManager()) {
                    NDArray x = stepManager.randomUniform(0, 1, new Shape(2, 4, 32, 32));
                    model.getBlock().forward(new ParameterStore(stepManager, false), new NDList(x), true);
                }
            }
            assertEquals(before, manager.getManagedArrays().size(), "arrays left in the model's manager");
        }
    }

    @Test
    void builderShouldRefuseInvalidConfigurationsWithTheReason() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> TunetBlock.builder().setInputSize(100).setBaseWidth(16).optDepth(4).build());
        assertTrue(size.getMessage().contains("multiple of 32"), size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TunetBlock.builder().setInputSize(128).build());
        assertThrows(IllegalArgumentException.class,
                () -> TunetBlock.builder().setInputSize(128).setBaseWidth(16).optDropout(1f).build());
        assertThrows(IllegalArgumentException.class, () -> ResNet34Block.builder().optWidth(0).build());
        assertThrows(IllegalArgumentException.class, () -> TunetConfig.preset("huge"));
    }

    @Test
    void presetsShouldHaveThePaperAndCpuSizes() {
        assertEquals(512, TunetConfig.preset("paper").inputSize());
        assertEquals(128, TunetConfig.preset("CPU").inputSize());
        assertTrue(TunetConfig.CPU.baseWidth() < TunetConfig.PAPER.baseWidth());
    }

    @Test
    void descriptionShouldCountParametersAndFlopsOfTheCpuPreset() {
        ModelDescription cpu = ModelDescription.of("tunet/cpu", NetworkSpec.tunet(TunetConfig.CPU));
        ModelDescription cpu256 = ModelDescription.of("tunet/cpu@256",
                NetworkSpec.tunet(TunetConfig.CPU.withInputSize(256)));
        assertTrue(cpu.parameters() > 1_000_000 && cpu.parameters() < 10_000_000, "parameters " + cpu.parameters());
        assertEquals(cpu.parameters(), cpu256.parameters());
        // Every layer is convolutional up to the pooling: four times the pixels, four times the work.
        assertEquals(4.0, (double) cpu256.flopsPerImage() / cpu.flopsPerImage(), 0.01);
    }
}
