package io.tunet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.Objects;

/**
 * The multi-task loss of the paper (eq. 1): {@code α · L_seg + (1 − α) · L_cls}, with {@link SoftDiceLoss}
 * over the 28 masks (plus {@link MaskCrossEntropy} where {@link SegmentationLoss#DICE_AND_CROSS_ENTROPY} asks for it)
 * and {@link FocalLoss} over the 28 class logits; α = 0.4 by default.
 *
 * <p>Labels: {@code (class targets [N, 28], target masks [N, 28, S, S])}. Predictions: {@code (logits
 * [N, 28], mask probabilities [N, 28, S, S])}, as {@link io.tunet.core.model.TunetBlock} returns them.
 */
public final class TunetLoss extends Loss {

    /** The paper's weight of the segmentation loss. */
    public static final float DEFAULT_ALPHA = 0.4f;

    private final float alpha;
    private final SoftDiceLoss dice = new SoftDiceLoss();
    private final MaskCrossEntropy crossEntropy;
    private final FocalLoss focal;

    /** The paper's loss: α = 0.4, soft Dice, γ = 2, no class weighting. */
    public TunetLoss() {
        this(DEFAULT_ALPHA, SegmentationLoss.DICE, new FocalLoss());
    }

    /**
     * A loss with segmentation weight {@code alpha}, the given mask loss and the given classification loss.
     *
     * @throws IllegalArgumentException if α is outside [0, 1]
     */
    public TunetLoss(float alpha, SegmentationLoss segmentation, FocalLoss focal) {
        super("tunet");
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
        }
        this.alpha = alpha;
        Objects.requireNonNull(segmentation, "segmentation loss");
        this.crossEntropy = segmentation == SegmentationLoss.DICE_AND_CROSS_ENTROPY ? new MaskCrossEntropy() : null;
        this.focal = focal;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray segmentation = dice.evaluate(labels, predictions);
        if (crossEntropy != null) {
            segmentation = segmentation.add(crossEntropy.evaluate(labels, predictions));
        }
        NDArray classification = focal.evaluate(labels, predictions);
        return segmentation.mul(Scalars.like(segmentation, alpha))
                .add(classification.mul(Scalars.like(classification, 1 - alpha)));
    }
}
