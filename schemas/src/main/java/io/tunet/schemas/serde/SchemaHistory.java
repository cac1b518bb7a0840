package io.tunet.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.IncompleteSample;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.ShadowClassification;

/**
 * Every writer schema a reader must be able to resolve: the current schemas plus every released older
 * version, keyed by the CRC-64-AVRO fingerprints a single-object header may carry for them: the fingerprint
 * of each {@code CanonicalForm}, since Avro implementations disagree on the canonical form they fingerprint.
 * All fingerprints of one schema resolve to that schema. A fingerprint that would name two different schemas
 * (different Java canonical forms) is refused with an {@link IllegalStateException} when the history is built.
 *
 * <p>Released versions live on the class path under {@value #HISTORY_DIR}, listed one file name per line
 * in {@code index.txt}; when a schema changes, its previous version is copied there before release. A test
 * class path may add versions with {@link #with(Schema)}.
 */
public final class SchemaHistory {

    static final String HISTORY_DIR = "io/tunet/schemas/history/";

    /** The top-level schemas of this build; a record type sent on a topic belongs here. */
    static final List<Schema> CURRENT = List.of(Acquisition.getClassSchema(), Sample.getClassSchema(),
            IncompleteSample.getClassSchema(), DeadLetter.getClassSchema(), Classification.getClassSchema(),
            SegmentationMask.getClassSchema(), LabelFeedback.getClassSchema(), ModelVersion.getClassSchema(),
            ShadowClassification.getClassSchema());

    private record Known(Schema schema, String javaForm, CanonicalForm form) {
    }

    private final Map<Long, Known> byFingerprint;
    private final List<Schema> schemas;

    private SchemaHistory(Map<Long, Known> byFingerprint, List<Schema> schemas) {
        this.byFingerprint = Collections.unmodifiableMap(byFingerprint);
        this.schemas = Collections.unmodifiableList(schemas);
    }

    /** The current schemas and the released history shipped in this jar. */
    public static SchemaHistory released() {
        Map<Long, Known> known = new HashMap<>();
        List<Schema> schemas = new ArrayList<>();
        for (Schema current : CURRENT) {
            register(known, schemas, current);
        }
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        try (InputStream index = loader.getResourceAsStream(HISTORY_DIR + "index.txt")) {
            if (index != null) {
                BufferedReader lines = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String name = line.strip();
                    if (name.isEmpty() || name.startsWith("#")) {
                        continue;
                    }
                    try (InputStream avsc = loader.getResourceAsStream(HISTORY_DIR + name)) {
                        Objects.requireNonNull(avsc, () -> "schema history lists a missing file: " + name);
                        register(known, schemas, new Schema.Parser().parse(avsc));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema history", e);
        }
        return new SchemaHistory(known, schemas);
    }

    /**
     * A history with one more known writer schema.
     *
     * @throws IllegalStateException if one of its fingerprints already names a different schema
     */
    public SchemaHistory with(Schema schema) {
        Map<Long, Known> known = new HashMap<>(byFingerprint);
        List<Schema> copy = new ArrayList<>(schemas);
        register(known, copy, schema);
        return new SchemaHistory(known, copy);
    }

    /** The writer schema with this fingerprint (in any {@code CanonicalForm}), or {@code null}. */
    public Schema find(long fingerprint) {
        Known known = byFingerprint.get(fingerprint);
        return known == null ? null : known.schema();
    }

    /** Every known writer schema, once each. */
    public Collection<Schema> schemas() {
        return schemas;
    }

    /**
     * The fingerprint this project's writers put in the single-object header: CRC-64-AVRO of Java's parsing
     * canonical form.
     */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static void register(Map<Long, Known> known, List<Schema> schemas, Schema schema) {
        String javaForm = SchemaNormalization.toParsingForm(schema);
        boolean alreadyKnown = false;
        for (CanonicalForm form : CanonicalForm.values()) {
            long fingerprint = form.fingerprint(schema);
            Known existing = known.putIfAbsent(fingerprint, new Known(schema, javaForm, form));
            if (existing == null) {
                continue;
            }
            // The same writer schema again (another variant of it, or a copy that differs only in docs or
            // defaults) decodes the same bytes; anything else behind one fingerprint would decode garbage.
            if (!existing.javaForm().equals(javaForm)) {
                throw new IllegalStateException(String.format(
                        "fingerprint %016x names two schemas: %s in the %s canonical form and %s in the %s form",
                        fingerprint, existing.schema().getFullName(), existing.form(), schema.getFullName(), form));
            }
            alreadyKnown |= form == CanonicalForm.JAVA;
        }
        if (!alreadyKnown) {
            schemas.add(schema);
        }
    }
}
