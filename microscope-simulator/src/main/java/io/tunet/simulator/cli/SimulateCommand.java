package io.tunet.simulator.cli;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.faults.Fault;
import io.tunet.simulator.faults.FaultPlan;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.AcquisitionPublisher;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.AcquisitionConditions;
import io.tunet.simulator.source.SyntheticFieldSource;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.LabelMode;
import io.tunet.synth.Stain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Publish HPA-Synth fields as a screening microscope would: one acquisition per stain, "
                + "stains in random order with timing jitter, plate by plate, well by well, at a given rate.")
final class SimulateCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--count", defaultValue = "96", description = "Fields to publish (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--rate", defaultValue = "2", description = "Fields per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--size", defaultValue = "512", description = "Field size in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--bit-depth", defaultValue = "8", description = "8 or 16 (default: ${DEFAULT-VALUE}).")
    int bitDepth;

    @Option(names = "--seed", defaultValue = "1", description = "HPA-Synth seed; same seed, same fields and faults (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--balanced", description = "Oversample rare classes instead of the real label frequencies.")
    boolean balanced;

    @Option(names = "--plate", defaultValue = "SIM", description = "Plate name prefix (default: ${DEFAULT-VALUE}).")
    String plate;

    @Option(names = "--fields-per-well", defaultValue = "1", description = "Fields per well (default: ${DEFAULT-VALUE}).")
    int fieldsPerWell;

    @Option(names = "--jitter-ms", defaultValue = "200", description = "Stains of a field spread over this window (default: ${DEFAULT-VALUE}).")
    long jitterMillis;

    @Option(names = "--drop", defaultValue = "0", description = "Probability a stain is never sent.")
    double drop;

    @Option(names = "--duplicate", defaultValue = "0", description = "Probability a stain is sent twice.")
    double duplicate;

    @Option(names = "--corrupt", defaultValue = "0", description = "Probability a stain's image bytes are damaged.")
    double corrupt;

    @Option(names = "--delay", defaultValue = "0", description = "Probability a stain is sent after --delay-ms.")
    double delay;

    @Option(names = "--delay-ms", defaultValue = "330000", description = "Delay of a delayed stain; past ingest's 5-min timeout by default.")
    long delayMillis;

    @Option(names = "--unknown-stain", defaultValue = "0", description = "Probability a stain is sent as an unknown stain.")
    double unknownStain;

    @Option(names = "--blur", paramLabel = "SIGMA", description = "Point-spread sigma of the optics in pixels at "
            + "512² (scaled with --size), 0..10; e.g. 3 for an out-of-focus plate (default: HPA-Synth's own).")
    Double blur;

    @Option(names = "--stain-gain", paramLabel = "STAIN=FACTOR", split = ",", description = "Multiply a stain's gain "
            + "(red, green, blue or yellow) by a positive factor, e.g. green=0.1 for a dim green channel; repeatable.")
    List<String> stainGains = List.of();

    @Option(names = "--classes", paramLabel = "C", split = ",", description = "HPA class indices 0..27: every field "
            + "gets one label, drawn from this list by seed and field index (a class listed twice, twice as often), "
            + "e.g. 0 for a plate of nucleoplasm only (default: real HPA label sets).")
    List<Integer> classes = List.of();

    @Option(names = "--labels-out", description = "Write the fields' true labels here (Id,Target) for the label command.")
    Path labelsOut;

    @Option(names = "--instrument", defaultValue = "simulated-microscope", description = "Instrument id (default: ${DEFAULT-VALUE}).")
    String instrument;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AcquisitionConditions conditions = conditions();
        Map<Fault, Double> rates = new EnumMap<>(Fault.class);
        rates.put(Fault.DROP, drop);
        rates.put(Fault.DUPLICATE, duplicate);
        rates.put(Fault.CORRUPT, corrupt);
        rates.put(Fault.DELAY, delay);
        rates.put(Fault.UNKNOWN_STAIN, unknownStain);
        FaultPlan faults = FaultPlan.of(rates, Duration.ofMillis(delayMillis));
        HpaSynth synth = HpaSynth.builder().size(size).bitDepth(bitDepth)
                .labelMode(balanced ? LabelMode.BALANCED : LabelMode.REAL_FREQUENCIES).build();
        SyntheticFieldSource source = new SyntheticFieldSource(synth, conditions, seed,
                new PlateLayout(plate, fieldsPerWell));
        System.out.println("acquisition: " + conditions);

        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        BufferedWriter labels = labelsOut == null ? null : Files.newBufferedWriter(labelsOut);
        try (KafkaProducer<String, Acquisition> producer = kafka.producer(Topics.ACQUISITIONS)) {
            if (labels != null) {
                labels.write("Id,Target\n");
            }
            AcquisitionPublisher publisher = new AcquisitionPublisher(producer, kafka.blobStore(), kafka.inlineLimit,
                    faults, Duration.ofMillis(jitterMillis), new SplittableRandom(seed), scheduler, Clock.systemUTC(),
                    instrument);
            RateLimiter limiter = new RateLimiter(rate);
            long lastProgress = System.nanoTime();
            for (long index = 0; index < count; index++) {
                limiter.await(index);
                FieldImages field = source.field(index);
                publisher.publish(field);
                if (labels != null) {
                    labels.write(field.sampleId() + "," + Arrays.stream(field.labels()).mapToObj(Integer::toString)
                            .collect(Collectors.joining(" ")) + "\n");
                }
                if (System.nanoTime() - lastProgress > 1_000_000_000L || index == count - 1) {
                    System.out.println(publisher.summary().progressLine());
                    lastProgress = System.nanoTime();
                }
            }
            System.out.println(faults.isEmpty() || delay == 0 ? "waiting for acknowledgements..."
                    : "waiting for delayed stains (up to " + Duration.ofMillis(delayMillis) + ")...");
            publisher.awaitSent(Duration.ofMillis(delayMillis).plusMinutes(2));
            System.out.print(publisher.summary().report());
            return publisher.summary().errors() == 0 ? 0 : 1;
        } finally {
            if (labels != null) {
                labels.close();
            }
            scheduler.shutdownNow();
        }
    }

    /** The conditions the options ask for; a bad value is a usage error naming the option, before anything is sent. */
    private AcquisitionConditions conditions() {
        AcquisitionConditions conditions = AcquisitionConditions.normal();
        if (blur != null) {
            try {
                conditions = conditions.withBlur(blur);
            } catch (IllegalArgumentException e) {
                throw invalid("--blur", blur.toString(), e.getMessage());
            }
        }
        Set<Stain> gained = EnumSet.noneOf(Stain.class);
        for (String gain : stainGains) {
            String[] stainAndFactor = gain.split("=", -1);
            if (stainAndFactor.length != 2) {
                throw invalid("--stain-gain", gain, "expected STAIN=FACTOR, e.g. green=0.1");
            }
            Stain stain = Arrays.stream(Stain.values()).filter(s -> s.suffix().equalsIgnoreCase(stainAndFactor[0].trim()))
                    .findFirst().orElseThrow(() -> invalid("--stain-gain", gain, "unknown stain '" + stainAndFactor[0]
                            + "' (one of red, green, blue, yellow)"));
            if (!gained.add(stain)) {
                throw invalid("--stain-gain", gain, "the " + stain.suffix() + " stain is given twice");
            }
            double factor;
            try {
                factor = Double.parseDouble(stainAndFactor[1].trim());
            } catch (NumberFormatException e) {
                throw invalid("--stain-gain", gain, "the factor '" + stainAndFactor[1] + "' is not a number");
            }
            try {
                conditions = conditions.withStainGain(stain, factor);
            } catch (IllegalArgumentException e) {
                throw invalid("--stain-gain", gain, e.getMessage());
            }
        }
        if (!classes.isEmpty()) {
            if (balanced) {
                throw new ParameterException(spec.commandLine(), "--balanced and --classes exclude each other: "
                        + "--classes draws every field's label from its list");
            }
            try {
                conditions = conditions.withClasses(classes.stream().mapToInt(Integer::intValue).toArray());
            } catch (IllegalArgumentException e) {
                throw invalid("--classes", classes.stream().map(String::valueOf).collect(Collectors.joining(",")),
                        e.getMessage());
            }
        }
        return conditions;
    }

    private ParameterException invalid(String option, String value, String reason) {
        return new ParameterException(spec.commandLine(),
                "Invalid value for option '" + option + "': '" + value + "': " + reason);
    }
}
