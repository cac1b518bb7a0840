package io.tunet.training.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import io.tunet.core.model.Networks;

import io.tunet.core.onnx.OnnxTunet;
import io.tunet.training.EasyFields;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OfflineTrainerTest {

    @TempDir
    static Path dir;

    private static Path data;

    @BeforeAll
    static void writeDirectory() throws Exception {
        data = EasyFields.writeDirectory(dir.resolve("hpa"), "offline", 30, 5);
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new OfflineTrainer());
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldTrainOnAnHpaDirectoryAndWriteOnnxThresholdsAndReport() throws Exception {
        Path out = dir.resolve("out");
        int status = run(new StringWriter(), "train", "--data", data.toString(), "--labels",
                data.resolve("train.csv").toString(), "--size", "32", "--base-width", "16", "--depth", "2",
                "--epochs", "2", "--batch", "4", "--lr", "0.001", "--no-augment", "--validation-fraction", "0.3",
                "--no-progress", "--out", out.toString(), "--cache", dir.resolve("cache").toString());

        assertThat(status).isZero();
        try (OnnxTunet model = OnnxTunet.load(out.resolve("tunet.onnx"))) {
            assertThat(model.metadata().inputSize()).isEqualTo(32);
            assertThat(model.metadata().thresholds()).hasSize(28);
        }
        assertThat(Files.readAllLines(out.resolve("thresholds.csv"))).hasSize(29).first().isEqualTo("class,name,threshold");
        assertThat(Files.readString(out.resolve("report.md"))).contains("class-frequency baseline")
                .contains("![label co-occurrence](label-cooccurrence.png)");
        assertThat(out.resolve("label-cooccurrence.png")).isNotEmptyFile();
    }

    @Test
    void shouldRefuseAGpuThatPyTorchDoesNotSee() throws Exception {
        assumeTrue(Engine.getEngine(Networks.TRAINING_ENGINE).getGpuCount() == 0, "this host has a GPU");
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(captured, true));
        int status;
        try {
            status = run(new StringWriter(), "train", "--data", data.toString(), "--labels",
                    data.resolve("train.csv").toString(), "--device", "gpu", "--no-progress");
        } finally {
            System.setErr(original);
        }

        assertThat(status).isEqualTo(2);
        assertThat(captured.toString()).contains("device gpu: PyTorch sees no GPU");
    }

    @Test
    void shouldExitWithStatusTwoNamingTheLineOfAnUnknownLabel() throws Exception {
        Path labels = dir.resolve("bad.csv");
        Files.write(labels, List.of("Id,Target", "offline-0,0", "offline-1,25 28"));
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(captured, true));
        int status;
        try {
            status = run(err, "train", "--data", data.toString(), "--labels", labels.toString(), "--no-progress");
        } finally {
            System.setErr(original);
        }

        assertThat(status).isEqualTo(2);
        assertThat(captured.toString()).contains("bad.csv line 3: label 28 is outside 0..27");
    }
}
