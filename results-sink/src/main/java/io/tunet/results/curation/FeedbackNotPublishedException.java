package io.tunet.results.curation;

/** Labels could not be handed to Kafka; the curator should retry. Answered with 503. */
public final class FeedbackNotPublishedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FeedbackNotPublishedException(String message, Throwable cause) {
        super(message, cause);
    }
}
