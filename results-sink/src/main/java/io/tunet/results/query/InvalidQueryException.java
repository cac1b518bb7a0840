package io.tunet.results.query;

/** A query parameter is out of range or malformed; the message names the parameter. Answered with 400. */
public final class InvalidQueryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidQueryException(String message) {
        super(message);
    }
}
