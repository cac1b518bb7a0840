package io.tunet.simulator.source;

/** A field could not be read from its source; the message names the file or row and the problem. */
public final class SourceException extends Exception {

    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }
}
