package io.tunet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.Arrays;

/**
 * Binary focal loss on independent sigmoid outputs (Lin et al.; paper eq. 2):
 * {@code −α_t (1 − p_t)^γ log p_t}, averaged over every sample and class. {@code p_t} is the predicted
 * probability of the true value; {@code α_t = α_c} for a positive target and {@code 1 − α_c} for a
 * negative one when per-class α is given, else 1.
 *
 * <p>Labels: {@code labels.get(0)} = targets {@code [N, C]} in {0, 1}. Predictions: {@code
 * predictions.get(0)} = logits {@code [N, C]} (the loss applies the sigmoid, in log space for stability).
 */
public final class FocalLoss extends Loss {

    /** The paper's focusing parameter. */
    public static final float DEFAULT_GAMMA = 2f;

    private final float gamma;
    private final float[] alpha;

    /** Focal loss with {@code γ = 2} and no class weighting. */
    public FocalLoss() {
        this(DEFAULT_GAMMA, null);
    }

    /**
     * Focal loss with focusing parameter {@code gamma} and optional per-class {@code alpha} (null: none).
     *
     * @throws IllegalArgumentException if γ is negative or an α is outside [0, 1]
     */
    public FocalLoss(float gamma, float[] alpha) {
        super("focal");
        if (!(gamma >= 0)) {
            throw new IllegalArgumentException("gamma must be >= 0, was " + gamma);
        }
        if (alpha != null) {
            for (float a : alpha) {
                if (!(a >= 0 && a <= 1)) {
                    throw new IllegalArgumentException("alpha must be in [0, 1], was " + Arrays.toString(alpha));
                }
            }
        }
        this.gamma = gamma;
        this.alpha = alpha == null ? null : alpha.clone();
    }

    /** The focusing parameter γ. */
    public float gamma() {
        return gamma;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray target = labels.get(0);
        NDArray logits = predictions.get(0);
        if (!target.getShape().equals(logits.getShape())) {
            throw new IllegalArgumentException("targets " + target.getShape() + " do not match logits "
                    + logits.getShape());
        }
        if (alpha != null && logits.getShape().get(1) != alpha.length) {
            throw new IllegalArgumentException(alpha.length + " alpha values for " + logits.getShape().get(1)
                    + " classes");
        }
        NDArray negative = target.neg().add(1);
        NDArray logPt = target.mul(logSigmoid(logits)).add(negative.mul(logSigmoid(logits.neg())));
        NDArray pt = logPt.exp();
        NDArray modulating = pt.neg().add(1);
        NDArray weight = modulating.pow(Scalars.like(modulating, gamma));
        NDArray loss = weight.mul(logPt).neg();
        if (alpha != null) {
            NDArray a = logits.getManager().create(alpha).reshape(1, alpha.length);
            loss = loss.mul(target.mul(a).add(negative.mul(a.neg().add(1))));
        }
        return loss.mean();
    }

    /** {@code log σ(z) = min(z, 0) − log(1 + e^{−|z|})}, finite for every finite z. */
    static NDArray logSigmoid(NDArray z) {
        return z.minimum(Scalars.like(z, 0)).sub(z.abs().neg().exp().add(1).log());
    }
}
