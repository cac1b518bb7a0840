package io.tunet.synth.cli;

import io.tunet.synth.HpaSynth;
import io.tunet.synth.LabelMode;
import io.tunet.synth.SynthField;
import io.tunet.synth.layout.HpaDirectoryWriter;
import io.tunet.synth.preview.ContactSheet;
import io.tunet.synth.stats.RealismReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code hpa-synth generate | contact-sheet | stats | bench}: the HPA-Synth command line. */
@Command(name = "hpa-synth", mixinStandardHelpOptions = true,
        description = "HPA-Synth: synthetic HPA-like four-stain fields with known labels and true masks.",
        subcommands = {HpaSynthCommand.Generate.class, HpaSynthCommand.Sheet.class, HpaSynthCommand.Stats.class,
                HpaSynthCommand.Bench.class})
public final class HpaSynthCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new HpaSynthCommand()).execute(args));
    }

    /** Generator options shared by the subcommands (a picocli mixin). */
    static final class GeneratorOptions {
        @Option(names = "--size", defaultValue = "512", description = "Field size in pixels, 64..3072 (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--cells", description = "Median cells per field (default 18 x size / 512).")
        Integer cells;

        @Option(names = "--bit-depth", defaultValue = "8", description = "8 or 16 (default ${DEFAULT-VALUE}).")
        int bitDepth;

        @Option(names = "--balanced", description = "Oversample rare classes instead of the real label frequencies.")
        boolean balanced;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        /** The configured generator; a bad option is reported as a usage error naming it. */
        HpaSynth build() {
            try {
                HpaSynth.Builder b = HpaSynth.builder().size(size).bitDepth(bitDepth)
                        .labelMode(balanced ? LabelMode.BALANCED : LabelMode.REAL_FREQUENCIES);
                if (cells != null) {
                    b.cellsPerField(cells);
                }
                return b.build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write N fields in the HPA directory layout (<Id>_red.png ..., train.csv, optional masks/).")
    static final class Generate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", required = true, description = "Output directory.")
        Path out;

        @Option(names = "--count", required = true, description = "Number of fields.")
        int count;

        @Option(names = "--seed", defaultValue = "1", description = "Seed; field i of seed K is always the same (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--masks", description = "Also write the true per-class masks under masks/.")
        boolean masks;

        @Option(names = "--threads", description = "Generating threads (default: available processors).")
        Integer threads;

        @CommandLine.Mixin
        GeneratorOptions generator;

        @Override
        public Integer call() throws IOException {
            if (count < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
            }
            HpaSynth synth = generator.build();
            int workers = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
            long t0 = System.nanoTime();
            java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(workers);
            try (HpaDirectoryWriter writer = HpaDirectoryWriter.create(out, masks)) {
                // Generate a chunk in parallel, write it in index order: train.csv is the same for any thread count.
                int chunk = 8 * workers;
                for (int from = 0; from < count; from += chunk) {
                    int start = from;
                    int end = Math.min(count, from + chunk);
                    java.util.List<SynthField> fields = pool.submit(() -> java.util.stream.IntStream.range(start, end).parallel()
                            .mapToObj(i -> synth.generate(seed, i)).toList()).join();
                    for (SynthField f : fields) {
                        writer.write(f);
                    }
                    if (end % 500 < chunk || end == count) {
                        System.out.printf(Locale.ROOT, "%d/%d fields (%.1f/s)%n", end, count, end / ((System.nanoTime() - t0) / 1e9));
                    }
                }
            } finally {
                pool.shutdown();
            }
            System.out.println("wrote " + count + " fields of " + synth.size() + "² to " + out);
            return 0;
        }
    }

    @Command(name = "contact-sheet", mixinStandardHelpOptions = true,
            description = "Render one composite + green tile per class, labelled with the class name, to a PNG.")
    static final class Sheet implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", defaultValue = "docs/hpa-synth-classes.png", description = "PNG file (default ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--size", defaultValue = "256", description = "Tile size (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--cells", defaultValue = "4", description = "Median cells per tile (default ${DEFAULT-VALUE}).")
        int cells;

        @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws IOException {
            HpaSynth synth;
            try {
                synth = HpaSynth.builder().size(size).cellsPerField(cells).build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ImageIO.write(ContactSheet.render(synth, seed), "png", out.toFile());
            System.out.println("wrote " + out);
            return 0;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Measure realism figures on generated fields against the real-HPA targets of DESIGN §4.")
    static final class Stats implements Callable<Integer> {
        @Option(names = "--count", defaultValue = "200", description = "Fields to measure (default ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @CommandLine.Mixin
        GeneratorOptions generator;

        @Override
        public Integer call() {
            RealismReport report = RealismReport.measure(generator.build(), seed, count);
            System.out.print(report.toText());
            return report.allMediansOnTarget() ? 0 : 1;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Fields per second (with true masks) on one thread at several sizes; writes target/benchmarks/hpa-synth.txt.")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--sizes", split = ",", defaultValue = "128,512,2048", description = "Sizes (default ${DEFAULT-VALUE}).")
        int[] sizes;

        @Option(names = "--seconds", defaultValue = "5", description = "Measuring time per size (default ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--out", description = "Report file (default <module>/target/benchmarks/hpa-synth.txt).")
        Path out;

        @Override
        public Integer call() throws IOException {
            Path file = out != null ? out
                    : Path.of(System.getProperty("hpasynth.module.dir", "."), "target", "benchmarks", "hpa-synth.txt");
            String text = Benchmark.run(sizes, seconds);
            System.out.print(text);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
            System.out.println("wrote " + file);
            return 0;
        }
    }
}
