package io.tunet.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every expected value here was computed by hand (and checked in Python) from the loss definitions. */
class LossTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    // Logits z and targets y for two samples and two classes: (0,1) (2,0) / (-1,1) (3,1).
    private NDArray logits() {
        return manager.create(new float[] {0, 2, -1, 3}, new Shape(2, 2));
    }

    private NDArray targets() {
        return manager.create(new float[] {1, 0, 1, 1}, new Shape(2, 2));
    }

    @Test
    void focalLossMatchesHandComputedValue() {
        // -(1-p_t)^2 log p_t: 0.173287, 1.650078, 0.701868, 0.000109 → mean 0.631336
        float loss = new FocalLoss().evaluate(new NDList(targets()), new NDList(logits())).getFloat();
        assertEquals(0.631336f, loss, 1e-5f);
    }

    @Test
    void focalLossWithGammaZeroIsBinaryCrossEntropy() {
        float loss = new FocalLoss(0, null).evaluate(new NDList(targets()), new NDList(logits())).getFloat();
        assertEquals(1.045481f, loss, 1e-5f);
    }

    @Test
    void focalLossWeighsPositivesByAlphaAndNegativesByOneMinusAlpha() {
        FocalLoss focal = new FocalLoss(2, new float[] {0.25f, 0.75f});
        float loss = focal.evaluate(new NDList(targets()), new NDList(logits())).getFloat();
        assertEquals(0.157848f, loss, 1e-5f);
    }

    @Test
    void focalLossStaysFiniteForExtremeLogits() {
        NDArray z = manager.create(new float[] {-200, 200}, new Shape(1, 2));
        NDArray y = manager.create(new float[] {1, 0}, new Shape(1, 2));
        float loss = new FocalLoss().evaluate(new NDList(y), new NDList(z)).getFloat();
        assertTrue(Float.isFinite(loss) && loss > 100, "loss " + loss);
    }

    @Test
    void focalLossRefusesMismatchedShapesAndBadParameters() {
        NDArray z = manager.create(new float[] {0, 1, 2}, new Shape(1, 3));
        assertThrows(IllegalArgumentException.class,
                () -> new FocalLoss().evaluate(new NDList(targets()), new NDList(z)));
        assertThrows(IllegalArgumentException.class, () -> new FocalLoss(-1, null));
        assertThrows(IllegalArgumentException.class, () -> new FocalLoss(2, new float[] {1.5f}));
    }

    private NDArray predictedMasks() {
        return manager.create(new float[] {0.5f, 0.5f, 0, 0, 0, 0, 0, 0}, new Shape(2, 1, 2, 2));
    }

    private NDArray targetMasks() {
        return manager.create(new float[] {1, 0, 0, 0, 0, 0, 0, 0}, new Shape(2, 1, 2, 2));
    }

    @Test
    void softDiceLossMatchesHandComputedValue() {
        // sample 0: (2·0.5 + 1) / (1 + 1 + 1) = 2/3; sample 1 (both empty): 1/1 = 1; loss 1 − 5/6
        float loss = new SoftDiceLoss().evaluate(new NDList(null, targetMasks()), new NDList(null, predictedMasks()))
                .getFloat();
        assertEquals(1f / 6, loss, 1e-6f);
    }

    @Test
    void softDiceLossIsZeroForPerfectMasks() {
        float loss = new SoftDiceLoss().evaluate(new NDList(null, targetMasks()), new NDList(null, targetMasks()))
                .getFloat();
        assertEquals(0f, loss, 1e-6f);
    }

    @Test
    void tunetLossWeighsDiceByAlphaAndFocalByOneMinusAlpha() {
        NDList labels = new NDList(targets(), targetMasks());
        NDList predictions = new NDList(logits(), predictedMasks());
        float loss = new TunetLoss().evaluate(labels, predictions).getFloat();
        assertEquals(0.4f * (1f / 6) + 0.6f * 0.631336f, loss, 1e-5f);
        float segmentationOnly = new TunetLoss(1f, SegmentationLoss.DICE, new FocalLoss())
                .evaluate(labels, predictions).getFloat();
        assertEquals(1f / 6, segmentationOnly, 1e-6f);
    }

    @Test
    void maskCrossEntropyMatchesHandComputedValue() {
        // two pixels at 0.5 (one foreground, one background): −log 0.5 each; six at 0 with target 0: ≈ 0; mean of 8
        float loss = new MaskCrossEntropy()
                .evaluate(new NDList(null, targetMasks()), new NDList(null, predictedMasks())).getFloat();
        assertEquals(2 * 0.693146f / 8, loss, 1e-5f);
    }

    @Test
    void diceAndCrossEntropyAddsTheCrossEntropyToTheDice() {
        NDList labels = new NDList(targets(), targetMasks());
        NDList predictions = new NDList(logits(), predictedMasks());
        float loss = new TunetLoss(1f, SegmentationLoss.DICE_AND_CROSS_ENTROPY, new FocalLoss())
                .evaluate(labels, predictions).getFloat();
        assertEquals(1f / 6 + 2 * 0.693146f / 8, loss, 1e-5f);
        NDArray wrongShape = manager.zeros(new Shape(2, 1, 2, 3));
        assertThrows(IllegalArgumentException.class,
                () -> new MaskCrossEntropy().evaluate(new NDList(null, targetMasks()), new NDList(null, wrongShape)));
    }

    @Test
    void crossEntropyKeepsAGradientOnAPlaneTheNetworkSwitchedOff() {
        // one sample, two planes of 2×2: plane 0 predicted and true everywhere; plane 1 true everywhere but its
        // logits at −10 (probability 4.5e-5), a class whose mask the network stopped drawing
        float dice = planeOneLogitGradient(SegmentationLoss.DICE);
        float withCrossEntropy = planeOneLogitGradient(SegmentationLoss.DICE_AND_CROSS_ENTROPY);
        assertTrue(Math.abs(dice) < 1e-4f, "Dice alone: " + dice);
        assertTrue(withCrossEntropy < -0.1f, "with cross-entropy: " + withCrossEntropy);
    }

    private float planeOneLogitGradient(SegmentationLoss segmentation) {
        try (NDManager local = NDManager.newBaseManager("PyTorch")) {
            NDArray logits = local.create(new float[] {10, 10, 10, 10, -10, -10, -10, -10}, new Shape(1, 2, 2, 2));
            logits.setRequiresGradient(true);
            NDArray truth = local.ones(new Shape(1, 2, 2, 2));
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray masks = Activation.sigmoid(logits);
                NDArray loss = new TunetLoss(1f, segmentation, new FocalLoss())
                        .evaluate(new NDList(local.zeros(new Shape(1, 2)), truth),
                                new NDList(local.zeros(new Shape(1, 2)), masks));
                collector.backward(loss);
            }
            return logits.getGradient().toFloatArray()[4] * 8;
        }
    }
}
