package io.tunet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Numbers as tensors for arithmetic that autograd differentiates. Never {@code x.mul(0.4f)}, {@code x.pow(2f)} or
 * {@code x.minimum(0)} on a tensor that needs a gradient: DJL 0.36's PyTorch engine turns the number into a tensor
 * over a Java direct buffer and closes it after the operation, but autograd keeps that tensor for the backward
 * pass; once a garbage collection has freed the buffer, the backward pass reads whatever was written there since
 * (gradients of 5.7e-41 instead of 1.1e-3 in {@code LossGradientTest}). A tensor from {@link
 * ai.djl.ndarray.NDManager#full} belongs to libtorch, which keeps it alive as long as autograd needs it.
 * ({@code add} and {@code sub} of a number are safe: their backward pass does not read the number.)
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code value} as a 0-dimensional tensor of {@code like}'s type, on its device and manager. */
    public static NDArray like(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType(), like.getDevice());
    }
}
