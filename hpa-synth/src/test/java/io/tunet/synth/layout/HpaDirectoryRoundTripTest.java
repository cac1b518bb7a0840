package io.tunet.synth.layout;

import io.tunet.synth.HpaSynth;
import io.tunet.synth.Stain;
import io.tunet.synth.SynthField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HpaDirectoryRoundTripTest {

    @Test
    void shouldReadBackExactlyWhatWasWritten8And16Bit(@TempDir Path dir) throws IOException {
        for (int bits : new int[] {8, 16}) {
            Path out = dir.resolve("b" + bits);
            HpaSynth synth = HpaSynth.builder().size(96).bitDepth(bits).build();
            SynthField[] fields = {synth.generate(4, 0), synth.generate(4, 1), synth.generate(4, 2, 16, 17, 22)};
            try (HpaDirectoryWriter w = HpaDirectoryWriter.create(out, true)) {
                for (SynthField f : fields) {
                    w.write(f);
                }
            }
            HpaDirectoryReader reader = HpaDirectoryReader.open(out);
            assertEquals(List.of(fields[0].id(), fields[1].id(), fields[2].id()), reader.ids());
            for (SynthField f : fields) {
                HpaSample s = reader.read(f.id());
                assertArrayEquals(f.labels(), s.labels());
                assertEquals(96, s.width());
                assertEquals(bits, s.bitDepth());
                for (Stain st : Stain.values()) {
                    assertArrayEquals(f.stain(st), s.stain(st), 1e-6f, st + " of " + f.id());
                }
                assertEquals(f.masks(), s.masks());
            }
        }
        assertTrue(Files.readString(dir.resolve("b8/train.csv")).startsWith("Id,Target\nsynth-4-000000,"));
        assertTrue(Files.readString(dir.resolve("b8/train.csv")).contains("synth-4-000002,16 17 22\n"));
    }

    @Test
    void shouldReadTheRealHpaFieldsToo() throws IOException {
        Path real = Path.of(System.getProperty("tunet.shared.dir", "../../shared"), "data/hpa/full-size");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(real), "real fields not present");
        Path tmp = Files.createTempDirectory("hpa-real");
        try {
            String id = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
            for (Stain s : Stain.values()) {
                Files.createSymbolicLink(tmp.resolve(id + "_" + s.suffix() + ".png"), real.resolve(id + "_" + s.suffix() + ".png").toAbsolutePath());
            }
            Files.writeString(tmp.resolve("train.csv"), "Id,Target\n" + id + ",11 5 0\n");
            HpaSample s = HpaDirectoryReader.open(tmp).read(id);
            assertEquals(2048, s.width());
            assertArrayEquals(new int[] {0, 5, 11}, s.labels());
            assertTrue(s.masks().isEmpty());
        } finally {
            try (var files = Files.list(tmp)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(tmp);
        }
    }

    @Test
    void shouldNameTheMissingOrBrokenFile(@TempDir Path dir) throws IOException {
        assertTrue(assertThrows(HpaLayoutException.class, () -> HpaDirectoryReader.open(dir)).getMessage().contains("train.csv"));
        HpaSynth synth = HpaSynth.builder().size(64).build();
        try (HpaDirectoryWriter w = HpaDirectoryWriter.create(dir, false)) {
            w.write(synth.generate(1, 0));
        }
        String id = HpaSynth.id(1, 0);
        Files.delete(dir.resolve(id + "_yellow.png"));
        HpaLayoutException e = assertThrows(HpaLayoutException.class, () -> HpaDirectoryReader.open(dir).read(id));
        assertTrue(e.getMessage().contains(id + "_yellow"), e.getMessage());
        Files.writeString(dir.resolve(id + "_yellow.png"), "not an image");
        e = assertThrows(HpaLayoutException.class, () -> HpaDirectoryReader.open(dir).read(id));
        assertTrue(e.getMessage().contains("unreadable"), e.getMessage());
        assertTrue(assertThrows(HpaLayoutException.class, () -> HpaDirectoryReader.open(dir).read("nope")).getMessage().contains("nope"));
        Files.writeString(dir.resolve("train.csv"), "Id,Target\nx,5 99\n");
        e = assertThrows(HpaLayoutException.class, () -> HpaDirectoryReader.open(dir));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
    }
}
