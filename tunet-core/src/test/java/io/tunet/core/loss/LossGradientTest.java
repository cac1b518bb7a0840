package io.tunet.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tunet.core.model.Networks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The losses' gradients must not depend on the garbage collector. DJL 0.36's PyTorch engine turns a Java number
 * in {@code mul(Number)}, {@code pow(Number)} or {@code minimum(Number)} into a tensor over a direct buffer and
 * closes it after the operation, while autograd keeps that tensor for the backward pass: a collection between
 * forward and backward frees the buffer, and the backward pass reads whatever was written there since.
 */
class LossGradientTest {

    private static final int N = 2;
    private static final int CLASSES = 28;
    private static final int S = 8;

    @Test
    void tunetLossGradientsShouldNotChangeWhenTheGarbageCollectorRunsBeforeBackward() {
        float[][] quiet = gradients(false);
        for (int attempt = 0; attempt < 10; attempt++) {
            float[][] collected = gradients(true);
            assertArrayEquals(quiet[0], collected[0], 1e-6f, "logit gradients, attempt " + attempt);
            assertArrayEquals(quiet[1], collected[1], 1e-6f, "mask gradients, attempt " + attempt);
        }
    }

    /** Gradients of the TUNet loss (α = 0.4, Dice and cross-entropy, γ = 2) w.r.t. logits and masks, fixed batch. */
    private static float[][] gradients(boolean collectBeforeBackward) {
        Engine engine = Engine.getEngine(Networks.TRAINING_ENGINE);
        SplittableRandom rng = new SplittableRandom(5);
        float[] logits = new float[N * CLASSES];
        float[] targets = new float[N * CLASSES];
        float[] masks = new float[N * CLASSES * S * S];
        float[] targetMasks = new float[masks.length];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (rng.nextDouble() * 6 - 3);
            targets[i] = rng.nextInt(5) == 0 ? 1 : 0;
        }
        for (int i = 0; i < masks.length; i++) {
            masks[i] = (float) rng.nextDouble();
            targetMasks[i] = rng.nextInt(3) == 0 ? 1 : 0;
        }
        try (NDManager manager = engine.newBaseManager()) {
            NDArray logitArray = manager.create(logits, new Shape(N, CLASSES));
            NDArray maskArray = manager.create(masks, new Shape(N, CLASSES, S, S));
            logitArray.setRequiresGradient(true);
            maskArray.setRequiresGradient(true);
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray loss = new TunetLoss(TunetLoss.DEFAULT_ALPHA, SegmentationLoss.DICE_AND_CROSS_ENTROPY,
                        new FocalLoss()).evaluate(
                        new NDList(manager.create(targets, new Shape(N, CLASSES)),
                                manager.create(targetMasks, new Shape(N, CLASSES, S, S))),
                        new NDList(logitArray, maskArray));
                if (collectBeforeBackward) {
                    System.gc();
                    List<ByteBuffer> reuse = new ArrayList<>();
                    for (int i = 0; i < 2000; i++) {
                        reuse.add(ByteBuffer.allocateDirect(4).putFloat(0, 12345f));
                    }
                }
                collector.backward(loss);
            }
            return new float[][] {logitArray.getGradient().toFloatArray(), maskArray.getGradient().toFloatArray()};
        }
    }
}
