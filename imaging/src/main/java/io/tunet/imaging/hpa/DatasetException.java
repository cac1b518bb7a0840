package io.tunet.imaging.hpa;

/** An HPA-layout directory cannot be used; the message names the file (and row) and the problem. */
public final class DatasetException extends Exception {

    private static final long serialVersionUID = 1L;

    /** An exception whose message names the file or row and the problem. */
    public DatasetException(String message) {
        super(message);
    }

    /** An exception whose message names the file or row and the problem, with the underlying failure. */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
