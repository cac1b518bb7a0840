package io.tunet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Segmentation loss {@code 1 − Dice(R, Y)} (paper eq. 3–4) with soft Dice
 * {@code (2 Σ r·y + 1) / (Σ r + Σ y + 1)}, the sums running over all pixels of all 28 masks of one sample,
 * averaged over the batch. The +1 keeps the loss defined (0) for a sample whose masks are all empty and
 * predicted empty.
 *
 * <p>Labels: {@code labels.get(1)} = target masks {@code [N, C, S, S]} in {0, 1}. Predictions: {@code
 * predictions.get(1)} = mask probabilities of the same shape.
 */
public final class SoftDiceLoss extends Loss {

    private static final float SMOOTH = 1f;

    /** The loss. */
    public SoftDiceLoss() {
        super("dice");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray target = targetMasks(labels, predictions);
        NDArray masks = predictions.get(1);
        long n = masks.getShape().get(0);
        // One flat row per sample: multi-axis reductions are missing or slow in DJL's PyTorch engine.
        NDArray r = masks.reshape(n, -1);
        NDArray y = target.reshape(n, -1);
        NDArray intersection = r.mul(y).sum(new int[] {1});
        NDArray total = r.sum(new int[] {1}).add(y.sum(new int[] {1}));
        NDArray dice = intersection.mul(Scalars.like(intersection, 2)).add(SMOOTH).div(total.add(SMOOTH));
        return dice.mean().neg().add(1);
    }

    /**
     * The target masks {@code labels.get(1)}, checked against the predicted {@code predictions.get(1)}.
     *
     * @throws IllegalArgumentException if their shapes differ
     */
    static NDArray targetMasks(NDList labels, NDList predictions) {
        NDArray target = labels.get(1);
        NDArray masks = predictions.get(1);
        if (!target.getShape().equals(masks.getShape())) {
            throw new IllegalArgumentException("target masks " + target.getShape() + " do not match predicted "
                    + masks.getShape());
        }
        return target;
    }
}
