package io.tunet.training.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of the dataset index ({@code index.jsonl}): the index is an append-only log of these, replayed on
 * start and rewritten without its dead lines by compaction. Fields not used by a kind are null.
 *
 * @param kind       what happened
 * @param sampleId   the sample
 * @param feedbackId the feedback record (LABEL, DROPPED)
 * @param labels     class indices (LABEL)
 * @param labelledAt when the curator labelled it, epoch millis (LABEL)
 * @param receivedAt when this service received it, epoch millis
 * @param labelledBy who labelled it (LABEL)
 * @param stains     red, green, blue, yellow (IMAGES)
 * @param reason     why feedback was dropped (DROPPED), why a sample's images were dropped (EVICTED)
 * @param labelChanges the index's label-change count (STATE)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexLine(Kind kind, String sampleId, String feedbackId, int[] labels, Long labelledAt, long receivedAt,
        String labelledBy, StoredImage[] stains, String reason, Long labelChanges) {

    static IndexLine images(String sampleId, StoredImage[] stains, long receivedAt) {
        return new IndexLine(Kind.IMAGES, sampleId, null, null, null, receivedAt, null, stains, null, null);
    }

    static IndexLine label(String sampleId, String feedbackId, int[] labels, long labelledAt, long receivedAt,
            String labelledBy) {
        return new IndexLine(Kind.LABEL, sampleId, feedbackId, labels, labelledAt, receivedAt, labelledBy, null, null,
                null);
    }

    static IndexLine dropped(String sampleId, String feedbackId, String reason, long at) {
        return new IndexLine(Kind.DROPPED, sampleId, feedbackId, null, null, at, null, null, reason, null);
    }

    static IndexLine evicted(String sampleId, String reason, long at) {
        return new IndexLine(Kind.EVICTED, sampleId, null, null, null, at, null, null, reason, null);
    }

    static IndexLine taken(String feedbackId) {
        return new IndexLine(Kind.TAKEN, null, feedbackId, null, null, 0, null, null, null, null);
    }

    static IndexLine state(long labelChanges, long at) {
        return new IndexLine(Kind.STATE, null, null, null, null, at, null, null, null, labelChanges);
    }

    /** Kinds of index lines. */
    public enum Kind {
        /** A sample's four stains were stored. */
        IMAGES,
        /** A curator's labels for a sample arrived. */
        LABEL,
        /** Feedback waiting for its sample was given up (sent to the dead-letter topic). */
        DROPPED,
        /**
         * An unlabelled sample's images were dropped by retention (its blobs may be deleted); a label arriving
         * for it later is kept as a label without images.
         */
        EVICTED,
        /** A feedback id taken before whose label no longer matters (written by compaction, for replays). */
        TAKEN,
        /** The index's counters at compaction, which the lines compaction removed no longer add up to. */
        STATE
    }
}
