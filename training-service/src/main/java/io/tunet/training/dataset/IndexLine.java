package io.tunet.training.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of the dataset index ({@code index.jsonl}): the index is an append-only log of these, replayed on
 * start. Fields not used by a kind are null.
 *
 * @param kind       what happened
 * @param sampleId   the sample
 * @param feedbackId the feedback record (LABEL, DROPPED)
 * @param labels     class indices (LABEL)
 * @param labelledAt when the curator labelled it, epoch millis (LABEL)
 * @param receivedAt when this service received it, epoch millis
 * @param labelledBy who labelled it (LABEL)
 * @param stains     red, green, blue, yellow (IMAGES)
 * @param reason     why feedback was dropped (DROPPED)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexLine(Kind kind, String sampleId, String feedbackId, int[] labels, Long labelledAt, long receivedAt,
        String labelledBy, StoredImage[] stains, String reason) {

    /** Kinds of index lines. */
    public enum Kind {
        /** A sample's four stains were stored. */
        IMAGES,
        /** A curator's labels for a sample arrived. */
        LABEL,
        /** Feedback waiting for its sample was given up (sent to the dead-letter topic). */
        DROPPED
    }
}
