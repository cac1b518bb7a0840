package io.tunet.imaging;

import java.util.Objects;

/** An image could not be used; {@link #reason()} says why in a form callers can count and route on. */
public final class ImageDecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an image was refused. */
    public enum Reason {
        /** The bytes are not PNG, TIFF or JPEG, or no reader for the format is installed. */
        UNSUPPORTED_FORMAT,
        /** The bytes claim a supported format but do not decode. */
        CORRUPT,
        /** The bytes end before the image does. */
        TRUNCATED,
        /** The header claims a size above the {@link DecodeLimits}. */
        TOO_LARGE,
        /** A sample depth other than 8 or 16 bit (e.g. 1-bit, 32-bit float). */
        UNSUPPORTED_BIT_DEPTH,
        /** A colour image whose channels differ and whose stain is not known: it is not one stain. */
        NOT_GRAYSCALE,
        /**
         * A colour image sent as one stain but tinted in another colour than that stain's (an HPA-style red
         * image sent as the green stain, a composite of several stains).
         */
        WRONG_STAIN_COLOUR,
        /** Images that must have the same size (the four stains of a field, a stain and its mask) do not. */
        DIMENSION_MISMATCH
    }

    private final Reason reason;

    /** An exception with a reason and a message naming the problem. */
    public ImageDecodeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** An exception with a reason, a message naming the problem and the underlying failure. */
    public ImageDecodeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the image was refused. */
    public Reason reason() {
        return reason;
    }
}
