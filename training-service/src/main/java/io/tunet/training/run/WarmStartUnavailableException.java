package io.tunet.training.run;

/** The champion's checkpoint cannot be had and {@link WarmStart#REQUIRED} forbids training from scratch. */
public final class WarmStartUnavailableException extends RuntimeException {

    public WarmStartUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
