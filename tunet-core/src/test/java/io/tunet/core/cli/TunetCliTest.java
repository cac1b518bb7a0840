package io.tunet.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import io.tunet.core.model.Networks;

import io.tunet.core.training.TinyHpaDirectory;
import io.tunet.core.training.TunetTraining;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TunetCliTest {

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = TunetCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void describeShouldPrintParametersAndFlopsOfEveryArchitecture() {
        Run run = run("describe", "--preset", "cpu");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("| tunet/cpu | 128² | 16 | 4 |"), run.out());
        assertTrue(run.out().contains("| resnet34/cpu | 128² |"), run.out());
        assertTrue(run.out().contains("| inceptionv3/cpu | 128² | 16 |"), run.out());
        assertTrue(run.out().contains("| inceptionresnetv2/cpu | 128² | 16 |"), run.out());
    }

    @Test
    void trainThenEvaluateThenExportShouldWorkOnAnHpaDirectory(@TempDir Path tmp) throws Exception {
        Path data = TinyHpaDirectory.write(tmp.resolve("hpa"), 12, 48, 2);
        Path out = tmp.resolve("run");
        Run train = run("train", "--data", data.toString(), "--out", out.toString(), "--size", "32",
                "--base-width", "16", "--depth", "2", "--epochs", "2", "--batch", "4", "--lr", "1e-3",
                "--validation-fraction", "0.3", "--no-progress", "--cache", tmp.resolve("cache").toString());
        assertEquals(0, train.status(), train.err());
        assertTrue(train.out().contains("training on cpu()"), train.out());
        Path index;
        try (var folders = Files.list(tmp.resolve("cache"))) {
            index = folders.findFirst().orElseThrow().resolve("index.tsv");
        }
        assertTrue(train.out().contains("samples cached in " + index.getParent()), train.out());
        assertEquals(12, Files.readAllLines(index).size());
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("## Validation (") && summary.contains("out-of-fold")
                && summary.contains("present classes (Kaggle convention, all 28 classes: "), summary);

        Run evaluate = run("evaluate", "--model", out.resolve("tunet.onnx").toString(), "--data", data.toString(),
                "--cache", tmp.resolve("cache").toString());
        assertEquals(0, evaluate.status(), evaluate.err());
        assertEquals(12, Files.readAllLines(index).size(), "evaluate reads the fields train cached");
        assertTrue(evaluate.out().contains("(12 samples)") && evaluate.out().contains("mask Dice 0.")
                && evaluate.out().contains("at the model's thresholds")
                && evaluate.out().contains("predicted vs "), evaluate.out());
        Run uniform = run("evaluate", "--model", out.resolve("tunet.onnx").toString(), "--data", data.toString(),
                "--cache", tmp.resolve("cache").toString(), "--threshold", "0.37");
        assertEquals(0, uniform.status(), uniform.err());
        assertTrue(uniform.out().contains("Scored at one threshold for every class, 0.37"), uniform.out());
        String rowAtIt = "\\| \\d+ [^|]+\\| \\d+ \\| \\d+ \\| 0\\.370 \\|.*";
        long rowsAtIt = uniform.out().lines().filter(line -> line.matches(rowAtIt)).count();
        assertEquals(28, rowsAtIt, uniform.out());
        Run outside = run("evaluate", "--model", out.resolve("tunet.onnx").toString(), "--data", data.toString(),
                "--threshold", "1.5");
        assertEquals(TunetCli.EXIT_BAD_INPUT, outside.status());
        assertTrue(outside.err().contains("--threshold must be in (0, 1), was 1.5"), outside.err());

        Path checkpoint;
        try (var files = Files.list(out.resolve("checkpoints"))) {
            checkpoint = files.filter(p -> p.toString().endsWith(".params")).findFirst().orElseThrow();
        }
        Run export = run("export", "--checkpoint", checkpoint.toString(), "--out", tmp.resolve("x.onnx").toString(),
                "--thresholds-from", out.resolve("tunet.onnx").toString(), "--version-label", "7");
        assertEquals(0, export.status(), export.err());
        assertTrue(Files.size(tmp.resolve("x.onnx")) > 1000);
    }

    @Test
    void trainShouldValidateOnAnotherDirectoryWithRepeatFactorSampling(@TempDir Path tmp) throws Exception {
        Path data = TinyHpaDirectory.write(tmp.resolve("train"), 8, 32, 2);
        Path validation = TinyHpaDirectory.write(tmp.resolve("validation"), 5, 32, 9);
        Path out = tmp.resolve("run");
        Run train = run("train", "--data", data.toString(), "--validation-data", validation.toString(),
                "--sampling", "REPEAT_FACTOR", "--out", out.toString(), "--size", "32", "--depth", "2",
                "--gated-masks", "--epochs", "1", "--batch", "4", "--lr", "1e-3", "--no-progress",
                "--cache", tmp.resolve("cache").toString());
        assertEquals(0, train.status(), train.err());
        assertTrue(train.out().contains("8 training, 5 validation samples"), train.out());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("## Validation (5 samples)"));
        try (var checkpoints = Files.list(out.resolve("checkpoints"))) {
            Path params = checkpoints.filter(p -> p.toString().endsWith(".params")).findFirst().orElseThrow();
            assertTrue(TunetTraining.checkpointSpec(params).config().gatedMasks(), "the checkpoint's network");
        }

        Run both = run("train", "--data", data.toString(), "--validation-data", validation.toString(),
                "--validation-fraction", "0.2", "--out", out.toString(), "--no-progress");
        assertEquals(TunetCli.EXIT_BAD_INPUT, both.status());
        assertTrue(both.err().contains("--validation-fraction and --validation-data exclude each other"), both.err());

        Run missing = run("train", "--data", data.toString(), "--validation-data", tmp.resolve("nowhere").toString(),
                "--out", out.toString(), "--size", "32", "--depth", "2", "--no-progress");
        assertEquals(TunetCli.EXIT_BAD_INPUT, missing.status());
        assertTrue(missing.err().contains("nowhere"), missing.err());
    }

    @Test
    void trainShouldRefuseAGpuThatPyTorchDoesNotSeeBeforeLoadingAnything(@TempDir Path tmp) throws Exception {
        assumeTrue(Engine.getEngine(Networks.TRAINING_ENGINE).getGpuCount() == 0, "this host has a GPU");
        Path data = TinyHpaDirectory.write(tmp.resolve("hpa"), 3, 32, 3);
        Run run = run("train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--size", "32",
                "--depth", "2", "--device", "gpu", "--no-progress");
        assertEquals(TunetCli.EXIT_BAD_INPUT, run.status());
        assertTrue(run.err().contains("device gpu: PyTorch sees no GPU"), run.err());
        assertFalse(run.out().contains("loading"), run.out());

        Run typo = run("train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--device", "cuda");
        assertEquals(TunetCli.EXIT_BAD_INPUT, typo.status());
        assertTrue(typo.err().contains("device must be cpu, gpu or gpuN, got 'cuda'"), typo.err());
    }

    @Test
    void trainShouldNameAMissingStainFile(@TempDir Path tmp) throws Exception {
        Path data = TinyHpaDirectory.write(tmp.resolve("hpa"), 3, 32, 3);
        Files.delete(data.resolve("sample-001_yellow.png"));
        Run run = run("train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--size", "32",
                "--depth", "2", "--no-progress");
        assertEquals(TunetCli.EXIT_BAD_INPUT, run.status());
        assertTrue(run.err().contains("sample-001") && run.err().contains("yellow"), run.err());
    }

    @Test
    void trainShouldNameAnUnknownLabel(@TempDir Path tmp) throws Exception {
        Path data = TinyHpaDirectory.write(tmp.resolve("hpa"), 3, 32, 3);
        Files.writeString(data.resolve("train.csv"), "Id,Target\nsample-000,0\nsample-001,31\nsample-002,25\n");
        Run run = run("train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--no-progress");
        assertEquals(TunetCli.EXIT_BAD_INPUT, run.status());
        assertTrue(run.err().contains("31"), run.err());
    }

    @Test
    void trainShouldNameAnUnreadableImage(@TempDir Path tmp) throws Exception {
        Path data = TinyHpaDirectory.write(tmp.resolve("hpa"), 12, 32, 3);
        Files.write(data.resolve("sample-004_green.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Run run = run("train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--size", "32",
                "--depth", "2", "--validation-fraction", "0.3", "--no-progress");
        assertEquals(TunetCli.EXIT_BAD_INPUT, run.status());
        assertTrue(run.err().contains("sample-004_green.png"), run.err());
    }

    @Test
    void evaluateShouldRefuseAFileThatIsNotAModel(@TempDir Path tmp) throws Exception {
        Path data = TinyHpaDirectory.write(tmp.resolve("hpa"), 3, 32, 3);
        Path bogus = Files.writeString(tmp.resolve("bogus.onnx"), "not a model");
        Run run = run("evaluate", "--model", bogus.toString(), "--data", data.toString());
        assertEquals(TunetCli.EXIT_BAD_INPUT, run.status());
        assertTrue(run.err().contains("bogus.onnx"), run.err());
    }
}
