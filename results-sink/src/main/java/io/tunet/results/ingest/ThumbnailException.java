package io.tunet.results.ingest;

/** A sample's stains could not be turned into a thumbnail; the message names the stain and the cause. */
public final class ThumbnailException extends Exception {

    private static final long serialVersionUID = 1L;

    public ThumbnailException(String message, Throwable cause) {
        super(message, cause);
    }
}
