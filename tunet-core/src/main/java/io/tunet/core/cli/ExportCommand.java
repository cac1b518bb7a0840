package io.tunet.core.cli;

import ai.djl.Model;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxModelMetadata;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.training.TunetTraining;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Exports a training checkpoint to ONNX, taking the thresholds from an earlier export of the same run (or
 * 0.5 for every class).
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Export a checkpoint (<out>/checkpoints/<arch>-NNNN.params) to ONNX.")
final class ExportCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "Checkpoint .params file written by train.")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "ONNX file to write.")
    Path out;

    @Option(names = "--version-label", defaultValue = "1", description = "Model version in the metadata.")
    String version;

    @Option(names = "--thresholds-from", description = "ONNX model whose thresholds to copy (default: all 0.5).")
    Path thresholdsFrom;

    @Override
    public Integer call() throws IOException {
        float[] thresholds = null;
        if (thresholdsFrom != null) {
            try (OnnxTunet previous = OnnxTunet.load(thresholdsFrom)) {
                thresholds = previous.metadata().thresholds();
            }
        }
        try (Model model = TunetTraining.loadCheckpoint(checkpoint)) {
            int size = (int) model.getBlock().getInputShapes()[0].get(2);
            OnnxModelMetadata metadata = OnnxModelMetadata.untuned(model.getName(), version, size);
            if (thresholds != null) {
                metadata = metadata.withThresholds(thresholds);
            }
            OnnxExporter.export(model.getBlock(), metadata, out);
        }
        spec.commandLine().getOut().println("wrote " + out);
        return 0;
    }
}
