package io.tunet.results.ingest;

/** A record decoded but breaks a rule of its contract (vector length, class index, mask size); the message says which. */
public final class InvalidRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }
}
