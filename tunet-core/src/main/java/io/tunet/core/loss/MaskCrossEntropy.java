package io.tunet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Pixel-wise binary cross-entropy of the predicted mask probabilities against the target masks, averaged over every
 * pixel of every mask of the batch: {@code −mean(y · log(r + ε) + (1 − y) · log(1 − r + ε))} with ε = 1e-6.
 *
 * <p>It is computed from the probabilities, so ε bounds what it can do for a pixel the network has pushed far off:
 * the gradient on a foreground pixel's logit is {@code (r − 1) · r / (r + ε)}, about 1 down to a logit of −12 and
 * fading below (0.04 at −17): it cannot revive a plane that earlier training (a warm start from a model trained
 * with Dice alone, say) has pushed that far.
 *
 * <p>Labels: {@code labels.get(1)} = target masks {@code [N, C, S, S]} in {0, 1}. Predictions: {@code
 * predictions.get(1)} = mask probabilities (after the sigmoid) of the same shape.
 */
public final class MaskCrossEntropy extends Loss {

    /** Keeps the logarithms finite where a probability is exactly 0 or 1. */
    static final float EPSILON = 1e-6f;

    /** The loss. */
    public MaskCrossEntropy() {
        super("mask-cross-entropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray target = SoftDiceLoss.targetMasks(labels, predictions);
        NDArray masks = predictions.get(1);
        NDArray positive = target.mul(masks.add(EPSILON).log());
        NDArray negative = target.neg().add(1).mul(masks.neg().add(1 + EPSILON).log());
        return positive.add(negative).mean().neg();
    }
}
