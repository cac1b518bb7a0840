package io.tunet.ingest.assembly;

import io.tunet.schemas.DeadLetterReason;

/** An acquisition the service cannot use: it goes to the dead-letter topic with this reason and detail. */
final class Rejection extends Exception {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    Rejection(DeadLetterReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    DeadLetterReason reason() {
        return reason;
    }
}
