package io.tunet.synth.cli;

import io.tunet.imaging.hpa.HpaDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HpaSynthCommandTest {

    @Test
    void generateShouldWriteAReadableLayoutThatDoesNotDependOnThreads(@TempDir Path dir) throws Exception {
        assertEquals(0, run("generate", "--out", dir.resolve("a").toString(), "--count", "5", "--size", "64", "--masks",
                "--threads", "2", "--seed", "3"));
        assertEquals(0, run("generate", "--out", dir.resolve("b").toString(), "--count", "5", "--size", "64", "--masks",
                "--threads", "1", "--seed", "3"));
        assertEquals(Files.readString(dir.resolve("a/train.csv")), Files.readString(dir.resolve("b/train.csv")));
        HpaDirectory reader = HpaDirectory.open(dir.resolve("a"));
        assertEquals(5, reader.entries().size());
        assertTrue(reader.hasTrueMasks());
        HpaDirectory.LoadedSample s = reader.load(reader.entries().get(4), 64);
        for (int label = 0; label < 28; label++) {
            int c = label;
            boolean labelled = java.util.Arrays.stream(s.labels()).anyMatch(l -> l == c);
            boolean anyMask = false;
            for (int i = 0; i < 64 * 64 && !anyMask; i++) {
                anyMask = s.trueMasks()[label * 64 * 64 + i] > 0f;
            }
            assertEquals(labelled, anyMask, "true mask of class " + label);
        }
    }

    @Test
    void shouldReportBadOptionsAsUsageErrors(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new HpaSynthCommand()).setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("generate", "--out", dir.toString(), "--count", "2", "--size", "10"));
        assertTrue(err.toString().contains("size must be in 64..3072, got 10"), err.toString());
        assertFalse(Files.exists(dir.resolve("train.csv")));
    }

    private static int run(String... args) {
        return new CommandLine(new HpaSynthCommand()).execute(args);
    }
}
