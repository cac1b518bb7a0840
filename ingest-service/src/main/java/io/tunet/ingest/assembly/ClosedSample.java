package io.tunet.ingest.assembly;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import io.tunet.schemas.Stain;

/**
 * What the service remembers about a sample after it was emitted, for
 * {@link io.tunet.ingest.IngestConfig#closedSampleRetention()}: a retried stain of a completed sample is a
 * duplicate; any other stain for it is late.
 *
 * @param outcome  how the sample was closed
 * @param closedAt wall-clock time (ms) of closing
 * @param contents SHA-256 of each emitted stain's image
 */
record ClosedSample(Outcome outcome, long closedAt, Map<Stain, String> contents) {

    enum Outcome { COMPLETED, TIMED_OUT }

    ClosedSample {
        EnumMap<Stain, String> copy = new EnumMap<>(Stain.class);
        copy.putAll(contents);
        contents = Collections.unmodifiableMap(copy);
    }

    /** Whether this exact image of this stain was already emitted in the completed sample. */
    boolean alreadyEmitted(Stain stain, String sha256) {
        return outcome == Outcome.COMPLETED && sha256.equals(contents.get(stain));
    }
}
