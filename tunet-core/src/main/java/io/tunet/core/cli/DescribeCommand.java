package io.tunet.core.cli;

import io.tunet.core.model.ModelDescription;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints parameter counts and FLOPs per image of the presets (or the given ones) for both architectures. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Parameter count and FLOPs per image of each preset, TUNet and ResNet34.")
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
            out.println(ModelDescription.of("tunet/" + preset, NetworkSpec.tunet(config)).markdownRow());
            out.println(ModelDescription.of("resnet34/" + preset, NetworkSpec.resnet34(config)).markdownRow());
            out.flush();
        }
        return 0;
    }
}
