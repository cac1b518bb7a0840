package io.tunet.core.cli;

import io.tunet.core.model.ModelDescription;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints parameter counts and FLOPs per image of the presets (or the given ones) for every architecture. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Parameter count and FLOPs per image of each preset and architecture "
                + "(TUNet, ResNet34, Inception-v3, Inception-ResNet-v2).")
final class DescribeCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", split = ",", description = "Presets to describe (default: all: ${DEFAULT-VALUE}).",
            defaultValue = "paper,cpu")
    List<String> presets;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.println(ModelDescription.markdownHeader());
        for (String preset : presets) {
            TunetConfig config = TunetConfig.preset(preset);
            for (NetworkSpec.Architecture architecture : NetworkSpec.Architecture.values()) {
                out.println(ModelDescription.of(architecture.id() + "/" + preset, new NetworkSpec(architecture, config))
                        .markdownRow());
                out.flush();
            }
        }
        return 0;
    }
}
