package io.tunet.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every writer schema a reader must be able to resolve: the current schemas plus every released older
 * version, keyed by their CRC-64-AVRO fingerprint (the one in the single-object header).
 *
 * <p>Released versions live on the class path under {@value #HISTORY_DIR}, listed one file name per line
 * in {@code index.txt}; when a schema changes, its previous version is copied there before release. A test
 * class path may add versions with {@link #with(Schema)}.
 */
public final class SchemaHistory {

    static final String HISTORY_DIR = "io/tunet/schemas/history/";

    private final Map<Long, Schema> byFingerprint;

    private SchemaHistory(Map<Long, Schema> byFingerprint) {
        this.byFingerprint = Collections.unmodifiableMap(byFingerprint);
    }

    /** The released history shipped in this jar. */
    public static SchemaHistory released() {
        Map<Long, Schema> schemas = new HashMap<>();
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
                        Schema schema = new Schema.Parser().parse(avsc);
                        schemas.put(fingerprint(schema), schema);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema history", e);
        }
        return new SchemaHistory(schemas);
    }

    /** A history with one more known writer schema. */
    public SchemaHistory with(Schema schema) {
        Map<Long, Schema> copy = new HashMap<>(byFingerprint);
        copy.put(fingerprint(schema), schema);
        return new SchemaHistory(copy);
    }

    /** The writer schema with this fingerprint, or {@code null}. */
    public Schema find(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    public Collection<Schema> schemas() {
        return byFingerprint.values();
    }

    /** The single-object encoding fingerprint of a schema (CRC-64-AVRO of its parsing canonical form). */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
