package io.tunet.synth.labels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LabelSetTableTest {

    static Path sharedDir() {
        return Path.of(System.getProperty("tunet.shared.dir", "../../shared"));
    }

    @Test
    void bundledTableShouldEqualTheOneDerivedFromTheRealTrainCsv() throws IOException {
        Path csv = sharedDir().resolve("data/hpa/train.csv");
        assumeTrue(Files.isRegularFile(csv), "real HPA train.csv not present at " + csv);
        LabelSetTable derived = LabelSetTable.fromTrainCsv(csv);
        LabelSetTable bundled = LabelSetTable.bundled();
        assertEquals(derived, bundled);
        assertEquals(derived.toText(), bundled.toText());
    }

    @Test
    void bundledTableShouldHaveTheRealLabelStatistics() {
        LabelSetTable t = LabelSetTable.bundled();
        assertEquals(31072, t.totalImages());
        assertEquals(0.415, t.classFrequency(0), 0.001);
        assertEquals(0.265, t.classFrequency(25), 0.001);
        assertEquals(11.0 / 31072, t.classFrequency(27), 1e-9);
    }

    @Test
    void shouldDeriveSortedDistinctSetsWithCounts(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, "Id,Target\na,16 0\nb,0 16\nc,25\n\nd,0 16 16\n");
        LabelSetTable t = LabelSetTable.fromTrainCsv(csv);
        assertEquals(2, t.entries().size());
        assertArrayEquals(new int[] {0, 16}, t.entries().get(0).labels());
        assertEquals(3, t.entries().get(0).count());
        assertEquals(t, LabelSetTable.parse(t.toText(), "round trip"));
    }

    @Test
    void shouldNameTheLineOfABadRow(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, "Id,Target\na,0\nb,3 28\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSetTable.fromTrainCsv(csv));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("28"), e.getMessage());
        Files.writeString(csv, "Image,Labels\n");
        e = assertThrows(IllegalArgumentException.class, () -> LabelSetTable.fromTrainCsv(csv));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LabelSetTable.parse("12\tx\n", "t"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }
}
