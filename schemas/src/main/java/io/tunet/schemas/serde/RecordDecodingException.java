package io.tunet.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that cannot be decoded into the expected type. This is the only exception the project's
 * deserializers throw for bad bytes, so a dead-letter path needs to catch exactly this type; {@link #reason()}
 * says what was wrong and {@link #topic()} where the bytes came from.
 */
public final class RecordDecodingException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** Why a payload could not be decoded. */
    public enum Reason {
        /** Shorter than the 10-byte single-object header, or not starting with the Avro magic {@code C3 01}. */
        BAD_HEADER,
        /** The header names a writer schema fingerprint that no released schema version has. */
        UNKNOWN_SCHEMA,
        /** The body ends before the record does. */
        TRUNCATED,
        /** The body does not match the writer schema (bad lengths, bad union index, trailing bytes, …). */
        MALFORMED
    }

    private final String topic;
    private final Reason reason;

    public RecordDecodingException(String topic, Reason reason, String detail, Throwable cause) {
        super("cannot decode record from topic '" + topic + "': " + reason + ": " + detail, cause);
        this.topic = topic;
        this.reason = reason;
    }

    /** The topic the bytes were read from ({@code "?"} when decoded outside Kafka). */
    public String topic() {
        return topic;
    }

    public Reason reason() {
        return reason;
    }
}
