package io.tunet.ingest.assembly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Stain;
import io.tunet.schemas.serde.AvroSerde;
import io.tunet.schemas.serde.AvroSerdes;

/**
 * Serdes of the assembly's state stores. A leading format byte lets a later version change the layout and
 * still read what is in the changelog; acquisitions inside are Avro single-object encoded, so they evolve like
 * the topic's records.
 */
final class StateSerdes {

    private static final byte FORMAT_V1 = 1;
    private static final AvroSerde<Acquisition> ACQUISITIONS = AvroSerdes.of(Acquisition.class);

    private StateSerdes() {
    }

    static Serde<PartialSample> partialSample() {
        return Serdes.serdeFrom((topic, partial) -> partial == null ? null : encode(partial),
                (topic, bytes) -> bytes == null ? null : decodePartial(topic, bytes));
    }

    static Serde<ClosedSample> closedSample() {
        return Serdes.serdeFrom((topic, closed) -> closed == null ? null : encode(closed),
                (topic, bytes) -> bytes == null ? null : decodeClosed(topic, bytes));
    }

    static byte[] encode(PartialSample partial) {
        return write(out -> {
            out.writeLong(partial.firstSeenAt());
            out.writeInt(partial.stains().size());
            for (PartialSample.StoredStain stain : partial.stains().values()) {
                out.writeLong(stain.arrivedAt());
                out.writeUTF(stain.contentSha256());
                byte[] acquisition = ACQUISITIONS.encode(stain.acquisition());
                out.writeInt(acquisition.length);
                out.write(acquisition);
            }
        });
    }

    static PartialSample decodePartial(String topic, byte[] bytes) {
        return read(topic, bytes, in -> {
            long firstSeenAt = in.readLong();
            int count = in.readInt();
            Map<Stain, PartialSample.StoredStain> stains = new EnumMap<>(Stain.class);
            for (int i = 0; i < count; i++) {
                long arrivedAt = in.readLong();
                String sha = in.readUTF();
                byte[] encoded = new byte[in.readInt()];
                in.readFully(encoded);
                Acquisition acquisition = ACQUISITIONS.decode(topic, encoded);
                stains.put(acquisition.getStain(), new PartialSample.StoredStain(acquisition, sha, arrivedAt));
            }
            return new PartialSample(firstSeenAt, stains);
        });
    }

    static byte[] encode(ClosedSample closed) {
        return write(out -> {
            out.writeByte(closed.outcome().ordinal());
            out.writeLong(closed.closedAt());
            out.writeInt(closed.contents().size());
            for (Map.Entry<Stain, String> entry : closed.contents().entrySet()) {
                out.writeUTF(entry.getKey().name());
                out.writeUTF(entry.getValue());
            }
        });
    }

    static ClosedSample decodeClosed(String topic, byte[] bytes) {
        return read(topic, bytes, in -> {
            ClosedSample.Outcome outcome = ClosedSample.Outcome.values()[in.readByte()];
            long closedAt = in.readLong();
            int count = in.readInt();
            Map<Stain, String> contents = new EnumMap<>(Stain.class);
            for (int i = 0; i < count; i++) {
                contents.put(Stain.valueOf(in.readUTF()), in.readUTF());
            }
            return new ClosedSample(outcome, closedAt, contents);
        });
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_V1);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(String topic, byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT_V1) {
                throw new SerializationException("state from " + topic + " has unknown format " + format);
            }
            return reader.read(in);
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException s) {
                throw s;
            }
            throw new SerializationException("corrupt ingest state in " + topic + ": " + e, e);
        }
    }
}
