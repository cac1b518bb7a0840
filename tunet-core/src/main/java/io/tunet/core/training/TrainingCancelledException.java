package io.tunet.core.training;

/** The cancellation check of {@link TrainingOptions#cancellation()} turned true; nothing was exported. */
public final class TrainingCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingCancelledException(String message) {
        super(message);
    }
}
