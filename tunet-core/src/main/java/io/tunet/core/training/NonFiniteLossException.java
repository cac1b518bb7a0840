package io.tunet.core.training;

/**
 * Training produced a NaN or infinite loss and was stopped at once (the libtorch convolution-backward NaN
 * of DESIGN §7, or a learning rate that diverged). The message names the epoch, step and learning rate.
 */
public class NonFiniteLossException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error with its reason. */
    public NonFiniteLossException(String message) {
        super(message);
    }
}
