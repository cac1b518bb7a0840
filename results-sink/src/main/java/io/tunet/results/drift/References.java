package io.tunet.results.drift;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ReferenceHistogram;
import io.tunet.schemas.ReferenceProfile;

/**
 * A model version's drift reference as the sink keeps it: {@code model_versions.reference}, the Avro JSON encoding
 * of {@link ReferenceProfile} (readable in SQL, read back exactly by the monitor).
 */
public final class References {

    private References() {
    }

    /** The Avro JSON text of a reference. */
    public static String toJson(ReferenceProfile reference) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Encoder encoder = EncoderFactory.get().jsonEncoder(ReferenceProfile.getClassSchema(), out);
            new SpecificDatumWriter<>(ReferenceProfile.class).write(reference, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A reference read back from its {@link #toJson} text (PostgreSQL may reorder keys and spacing; Avro does not mind). */
    public static ReferenceProfile fromJson(String json) {
        try {
            return new SpecificDatumReader<>(ReferenceProfile.class).read(null,
                    DecoderFactory.get().jsonDecoder(ReferenceProfile.getClassSchema(), json));
        } catch (IOException e) {
            throw new UncheckedIOException("stored drift reference does not decode: " + e.getMessage(), e);
        }
    }

    /**
     * What breaks the schema's contract in a reference, in words, or empty when nothing does: a histogram whose edges
     * are not strictly ascending finite numbers, whose proportions are not one more than its edges, or a figure that
     * is not a proportion in 0..1; class frequencies not one per class. Statistic names are not checked: a name the
     * sink does not know is skipped when scoring (the schema says readers skip them).
     */
    public static Optional<String> problem(ReferenceProfile reference) {
        if (reference.getClassFrequencies().size() != HpaClasses.COUNT) {
            return Optional.of("classFrequencies has " + reference.getClassFrequencies().size() + " entries, expected "
                    + HpaClasses.COUNT);
        }
        if (!reference.getClassFrequencies().stream().allMatch(References::proportion)
                || !proportion(reference.getNoClassFraction())) {
            return Optional.of("class frequencies and noClassFraction must be proportions in 0..1");
        }
        for (ReferenceHistogram h : reference.getQc()) {
            List<Double> edges = h.getEdges();
            for (int i = 0; i < edges.size(); i++) {
                if (!Double.isFinite(edges.get(i)) || (i > 0 && edges.get(i) <= edges.get(i - 1))) {
                    return Optional.of("histogram '" + h.getStatistic() + "': edges are not strictly ascending finite numbers");
                }
            }
            if (h.getProportions().size() != edges.size() + 1) {
                return Optional.of("histogram '" + h.getStatistic() + "': " + h.getProportions().size()
                        + " proportions for " + edges.size() + " edges, expected " + (edges.size() + 1));
            }
            if (!h.getProportions().stream().allMatch(References::proportion)) {
                return Optional.of("histogram '" + h.getStatistic() + "': proportions must be in 0..1");
            }
        }
        return Optional.empty();
    }

    private static boolean proportion(Double value) {
        return value != null && value >= 0 && value <= 1;
    }
}
