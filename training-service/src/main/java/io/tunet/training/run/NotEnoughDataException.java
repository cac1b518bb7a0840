package io.tunet.training.run;

/** A run cannot start: too few labelled samples, or a split would be empty. Nothing was published. */
public final class NotEnoughDataException extends RuntimeException {

    public NotEnoughDataException(String message) {
        super(message);
    }
}
