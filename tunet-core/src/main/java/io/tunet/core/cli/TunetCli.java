package io.tunet.core.cli;

import io.tunet.imaging.hpa.DatasetException;
import io.tunet.core.onnx.OnnxModelException;
import io.tunet.core.training.NonFiniteLossException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tunet train | evaluate | export | describe}: offline work with TUNet and the ResNet34 baseline on
 * an HPA-layout directory.
 */
@Command(name = "tunet", mixinStandardHelpOptions = true,
        description = "Train, evaluate, export and describe TUNet models on HPA-layout directories.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, ExportCommand.class, DescribeCommand.class})
public final class TunetCli {

    /** Exit status for bad input: an unusable directory or image, an invalid option value, a bad model. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit status when training diverged (a non-finite loss). */
    public static final int EXIT_DIVERGED = 3;

    private TunetCli() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, for tests and embedding. Expected failures (bad data, bad options, bad model files,
     * divergence) print one line naming the problem and return a non-zero status instead of a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new TunetCli());
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            int status;
            if (e instanceof DatasetException || e instanceof IllegalArgumentException
                    || e instanceof OnnxModelException || e instanceof IOException) {
                status = EXIT_BAD_INPUT;
            } else if (e instanceof NonFiniteLossException) {
                status = EXIT_DIVERGED;
            } else {
                throw e;
            }
            cmd.getErr().println("tunet " + cmd.getCommandName() + ": " + e.getMessage());
            cmd.getErr().flush();
            return status;
        });
        return commandLine;
    }
}
