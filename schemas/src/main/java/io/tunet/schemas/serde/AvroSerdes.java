package io.tunet.schemas.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.specific.SpecificRecord;

/**
 * The one place serdes come from. Every service, test and tool uses these, so all bytes on every topic
 * are single-object encoded against the same schema history.
 */
public final class AvroSerdes {

    private static final SchemaHistory RELEASED = SchemaHistory.released();
    private static final Map<Class<?>, AvroSerde<?>> CACHE = new ConcurrentHashMap<>();

    private AvroSerdes() {
    }

    /** The shared serde for a generated record type, resolving every released writer version. */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return (AvroSerde<T>) CACHE.computeIfAbsent(type, t -> new AvroSerde<>(type, RELEASED));
    }

    /** A serde that also knows the given history (for tests of schema evolution). */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaHistory history) {
        return new AvroSerde<>(type, history);
    }

    /** The released schema history shipped with this build. */
    public static SchemaHistory releasedHistory() {
        return RELEASED;
    }
}
