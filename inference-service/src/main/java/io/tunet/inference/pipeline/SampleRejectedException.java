package io.tunet.inference.pipeline;

import io.tunet.schemas.DeadLetterReason;
import java.util.Objects;

/** A sample that cannot be classified; it goes to {@code samples-dlq} with {@link #reason()} and the message. */
public final class SampleRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    /** A rejection with the dead-letter reason and a message naming the problem. */
    public SampleRejectedException(DeadLetterReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The dead-letter reason. */
    public DeadLetterReason reason() {
        return reason;
    }
}
