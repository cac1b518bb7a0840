package io.tunet.blob;

/** A blob could not be stored or read; {@link #reason()} says why, the message names the reference. */
public final class BlobStoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The reference is malformed, of another store, or resolves outside the store's root. */
        INVALID_REFERENCE,
        /** No blob with that address. */
        NOT_FOUND,
        /** The stored bytes do not match the reference's size or SHA-256. */
        CHECKSUM_MISMATCH,
        /** The file system failed. */
        IO
    }

    private final Reason reason;

    public BlobStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
