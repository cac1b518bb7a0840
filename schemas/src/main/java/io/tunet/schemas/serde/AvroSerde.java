package io.tunet.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record type using Avro single-object encoding: two magic bytes
 * {@code C3 01}, the writer schema's 8-byte little-endian CRC-64-AVRO fingerprint, then the binary body.
 * No registry server is needed: the reader resolves the fingerprint against {@link SchemaHistory}, so it
 * reads what any released older writer wrote (schemas only ever add fields with defaults), and what writers
 * in other languages wrote, whose canonical form may differ from Java's ({@code CanonicalForm}). It writes
 * Java's fingerprint.
 *
 * <p>Decoding failures throw {@link RecordDecodingException} and nothing else. {@code null} bytes decode
 * to {@code null} (a tombstone). Thread-safe.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    static final byte MAGIC_0 = (byte) 0xC3;
    static final byte MAGIC_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    static {
        // Avro's own limits default to ~2 GiB, so one corrupt length prefix could make a decoder allocate
        // gigabytes. No record of ours comes near these; set them unless the operator chose others.
        setDefault("org.apache.avro.limits.bytes.maxLength", 256 * 1024 * 1024);
        setDefault("org.apache.avro.limits.string.maxLength", 16 * 1024 * 1024);
        setDefault("org.apache.avro.limits.collectionItems.maxLength", 16 * 1024 * 1024);
    }

    private final Class<T> type;
    private final Schema readerSchema;
    private final SchemaHistory history;
    private final byte[] writerHeader;
    private final SpecificDatumWriter<T> writer;
    private final Map<Long, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    AvroSerde(Class<T> type, SchemaHistory history) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.history = history.with(readerSchema);
        this.writerHeader = header(SchemaHistory.fingerprint(readerSchema));
        this.writer = new SpecificDatumWriter<>(readerSchema);
    }

    /** The record type this serde reads and writes. */
    public Class<T> type() {
        return type;
    }

    /** Encodes a record; {@code null} encodes to {@code null}. */
    public byte[] encode(T record) {
        if (record == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(writerHeader);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes bytes written by this or any known older writer schema.
     *
     * @param topic where the bytes came from, for the error message
     * @throws RecordDecodingException if the bytes are not a valid record of this type
     */
    public T decode(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 2 || data[0] != MAGIC_0 || data[1] != MAGIC_1) {
            throw new RecordDecodingException(topic, RecordDecodingException.Reason.BAD_HEADER,
                    "expected single-object magic C3 01 in " + data.length + " bytes", null);
        }
        if (data.length < HEADER_LENGTH) {
            throw new RecordDecodingException(topic, RecordDecodingException.Reason.TRUNCATED,
                    "header needs " + HEADER_LENGTH + " bytes, got " + data.length, null);
        }
        long fingerprint = readFingerprint(data);
        SpecificDatumReader<T> reader = readerFor(topic, fingerprint);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new RecordDecodingException(topic, RecordDecodingException.Reason.TRUNCATED,
                    "body ends before the " + type.getSimpleName() + " does", e);
        } catch (IOException | RuntimeException e) {
            // Avro reports corrupt bodies as assorted runtime exceptions (bad union index, negative length,
            // limits exceeded, array bounds); they all mean the same thing to a caller.
            throw new RecordDecodingException(topic, RecordDecodingException.Reason.MALFORMED,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new RecordDecodingException(topic, RecordDecodingException.Reason.MALFORMED,
                        "trailing bytes after the " + type.getSimpleName(), null);
            }
        } catch (IOException e) {
            throw new RecordDecodingException(topic, RecordDecodingException.Reason.MALFORMED, e.getMessage(), e);
        }
        return record;
    }

    private SpecificDatumReader<T> readerFor(String topic, long fingerprint) {
        SpecificDatumReader<T> reader = readers.get(fingerprint);
        if (reader != null) {
            return reader;
        }
        Schema writerSchema = history.find(fingerprint);
        if (writerSchema == null) {
            throw new RecordDecodingException(topic, RecordDecodingException.Reason.UNKNOWN_SCHEMA,
                    String.format("no known %s schema has fingerprint %016x", type.getSimpleName(), fingerprint), null);
        }
        if (!writerSchema.getFullName().equals(readerSchema.getFullName())) {
            throw new RecordDecodingException(topic, RecordDecodingException.Reason.UNKNOWN_SCHEMA,
                    "the bytes hold a " + writerSchema.getFullName() + ", not a " + readerSchema.getFullName(), null);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new RecordDecodingException(topic, RecordDecodingException.Reason.UNKNOWN_SCHEMA,
                    "writer schema " + writerSchema.getFullName() + " cannot be read by this version: "
                            + compatibility.getDescription(), null);
        }
        SpecificDatumReader<T> created = new SpecificDatumReader<>(writerSchema, readerSchema);
        readers.putIfAbsent(fingerprint, created);
        return created;
    }

    static long readFingerprint(byte[] data) {
        long fp = 0;
        for (int i = 0; i < 8; i++) {
            fp |= (data[2 + i] & 0xFFL) << (8 * i);
        }
        return fp;
    }

    static byte[] header(long fingerprint) {
        byte[] header = new byte[HEADER_LENGTH];
        header[0] = MAGIC_0;
        header[1] = MAGIC_1;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return header;
    }

    private static void setDefault(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> encode(record);
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::decode;
    }

    @Override
    public String toString() {
        return "AvroSerde[" + type.getSimpleName() + "]";
    }
}
