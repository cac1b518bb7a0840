package io.tunet.training.run;

/** A training run was stopped before it finished (shutdown, or a cancel request); it published nothing. */
public final class RunCancelledException extends RuntimeException {

    public RunCancelledException(String message) {
        super(message);
    }
}
