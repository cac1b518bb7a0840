package io.tunet.simulator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code microscope-simulator simulate | publish-dir | label}. */
@Command(name = "microscope-simulator", mixinStandardHelpOptions = true,
        description = "Publishes microscope acquisitions and curator labels to Kafka.",
        subcommands = {SimulateCommand.class, PublishDirCommand.class, LabelCommand.class})
public final class SimulatorCommand implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorCommand()).execute(args));
    }
}
