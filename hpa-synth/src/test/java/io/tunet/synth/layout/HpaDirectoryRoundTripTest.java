package io.tunet.synth.layout;

import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.HpaEntry;
import io.tunet.synth.BinaryMask;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.SynthField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the writer writes, the project's one HPA-layout reader ({@code imaging}'s {@link HpaDirectory}) reads back. */
class HpaDirectoryRoundTripTest {

    @Test
    void shouldReadBackExactlyWhatWasWritten8And16Bit(@TempDir Path dir) throws Exception {
        for (int bits : new int[] {8, 16}) {
            Path out = dir.resolve("b" + bits);
            HpaSynth synth = HpaSynth.builder().size(96).bitDepth(bits).build();
            SynthField[] fields = {synth.generate(4, 0), synth.generate(4, 1), synth.generate(4, 2, 16, 17, 22)};
            try (HpaDirectoryWriter w = HpaDirectoryWriter.create(out, true)) {
                for (SynthField f : fields) {
                    w.write(f);
                }
            }
            HpaDirectory reader = HpaDirectory.open(out);
            assertEquals(List.of(fields[0].id(), fields[1].id(), fields[2].id()),
                    reader.entries().stream().map(HpaEntry::id).toList());
            assertTrue(reader.hasTrueMasks());
            for (int n = 0; n < fields.length; n++) {
                SynthField f = fields[n];
                HpaDirectory.LoadedSample s = reader.load(reader.entries().get(n), 96);
                assertArrayEquals(f.labels(), s.labels());
                assertArrayEquals(f.toChannelsFirst(), s.image(), 1e-6f, "stains of " + f.id() + " at " + bits + " bit");
                int plane = 96 * 96;
                for (Map.Entry<Integer, BinaryMask> mask : f.masks().entrySet()) {
                    for (int i = 0; i < plane; i++) {
                        assertEquals(mask.getValue().contains(i) ? 1f : 0f, s.trueMasks()[mask.getKey() * plane + i],
                                "mask of class " + mask.getKey() + " of " + f.id() + " at " + i);
                    }
                }
            }
        }
        assertTrue(Files.readString(dir.resolve("b8/train.csv")).startsWith("Id,Target\nsynth-4-000000,"));
        assertTrue(Files.readString(dir.resolve("b8/train.csv")).contains("synth-4-000002,16 17 22\n"));
    }

    @Test
    void shouldNameTheMissingOrBrokenFile(@TempDir Path dir) throws Exception {
        assertTrue(assertThrows(DatasetException.class, () -> HpaDirectory.open(dir)).getMessage().contains("train.csv"));
        HpaSynth synth = HpaSynth.builder().size(64).build();
        try (HpaDirectoryWriter w = HpaDirectoryWriter.create(dir, false)) {
            w.write(synth.generate(1, 0));
        }
        String id = HpaSynth.id(1, 0);
        Path yellow = dir.resolve(id + "_yellow.png");
        byte[] good = Files.readAllBytes(yellow);
        Files.delete(yellow);
        DatasetException e = assertThrows(DatasetException.class, () -> HpaDirectory.open(dir));
        assertTrue(e.getMessage().contains(id + "_yellow"), e.getMessage());
        Files.writeString(yellow, "not an image");
        HpaDirectory directory = HpaDirectory.open(dir);
        e = assertThrows(DatasetException.class, () -> directory.load(directory.entries().get(0), 64));
        assertTrue(e.getMessage().contains(id + "_yellow") && e.getMessage().contains("UNSUPPORTED_FORMAT"),
                e.getMessage());
        Files.write(yellow, good);
        Files.writeString(dir.resolve("train.csv"), "Id,Target\n" + id + ",5 99\n");
        e = assertThrows(DatasetException.class, () -> HpaDirectory.open(dir));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
    }
}
