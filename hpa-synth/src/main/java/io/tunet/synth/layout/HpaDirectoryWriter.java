package io.tunet.synth.layout;

import io.tunet.synth.BinaryMask;
import io.tunet.synth.Stain;
import io.tunet.synth.SynthField;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes generated fields in the HPA directory layout: {@code <Id>_red.png}, {@code _green}, {@code _blue},
 * {@code _yellow} (8- or 16-bit grayscale PNG), a {@code train.csv} with header {@code Id,Target}, and
 * optionally {@code masks/<Id>_<classIndex>.png} (8-bit, 255 inside). Safe to call {@link #write} from
 * several threads; rows appear in {@code train.csv} in the order writes finish.
 */
public final class HpaDirectoryWriter implements AutoCloseable {

    private final Path dir;
    private final boolean masks;
    private final BufferedWriter csv;

    private HpaDirectoryWriter(Path dir, boolean masks) throws IOException {
        this.dir = dir;
        this.masks = masks;
        try {
            Files.createDirectories(dir);
            if (masks) {
                Files.createDirectories(dir.resolve("masks"));
            }
            csv = Files.newBufferedWriter(dir.resolve("train.csv"), StandardCharsets.UTF_8);
            csv.write("Id,Target\n");
        } catch (IOException e) {
            throw new HpaLayoutException("cannot create HPA layout in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code dir} if needed and starts a new {@code train.csv} there (replacing any existing one).
     *
     * @param masks whether to write the true masks too
     */
    public static HpaDirectoryWriter create(Path dir, boolean masks) throws IOException {
        return new HpaDirectoryWriter(dir, masks);
    }

    /** Writes one field's four stains (and masks if enabled), then its {@code train.csv} row. */
    public void write(SynthField field) throws IOException {
        String id = field.id();
        for (Stain s : Stain.values()) {
            writeFile(field.png(s), dir.resolve(id + "_" + s.suffix() + ".png"));
        }
        if (masks) {
            for (Map.Entry<Integer, BinaryMask> e : field.masks().entrySet()) {
                writeFile(e.getValue().png(), dir.resolve("masks").resolve(id + "_" + e.getKey() + ".png"));
            }
        }
        StringBuilder row = new StringBuilder(id).append(',');
        int[] labels = field.labels();
        for (int i = 0; i < labels.length; i++) {
            row.append(i == 0 ? "" : " ").append(labels[i]);
        }
        synchronized (csv) {
            csv.write(row.append('\n').toString());
        }
    }

    private static void writeFile(byte[] bytes, Path file) throws IOException {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new HpaLayoutException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Flushes and closes {@code train.csv}. */
    @Override
    public void close() throws IOException {
        synchronized (csv) {
            csv.close();
        }
    }
}
