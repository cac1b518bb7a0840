package io.tunet.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.blob.Sha256;
import io.tunet.imaging.Channel;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcFlag;
import io.tunet.imaging.qc.QcReport;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.cli.SimulatorCommand;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.AcquisitionConditions;
import io.tunet.simulator.source.SyntheticFieldSource;
import io.tunet.synth.HpaSynth;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/** {@code simulate --blur / --stain-gain / --classes} against a real broker: what they publish, what they refuse. */
@WithKafka
class SimulateConditionsCommandTest {

    @TempDir
    Path dir;

    @Test
    void simulatePublishesThePlateUnderTheGivenConditions(TestBroker broker) throws Exception {
        String plate = "COND" + System.nanoTime();
        int count = 4;
        Path labels = dir.resolve("labels.csv");
        int exit = new CommandLine(new SimulatorCommand()).execute("simulate", "--count", Integer.toString(count),
                "--rate", "0", "--seed", "23", "--plate", plate, "--bootstrap", broker.bootstrapServers(),
                "--blob-root", dir.resolve("blobs").toString(), "--labels-out", labels.toString(),
                "--blur", "3", "--stain-gain", "GREEN=0.1", "--classes", "7");

        assertThat(exit).isZero();
        // what the CLI published is, byte for byte, what the programmatic form makes
        SyntheticFieldSource expected = new SyntheticFieldSource(HpaSynth.builder().build(), AcquisitionConditions
                .normal().withBlur(3).withStainGain(io.tunet.synth.Stain.GREEN, 0.1).withClasses(7), 23,
                new PlateLayout(plate, 1));
        List<FieldImages> fields = new ArrayList<>();
        for (long index = 0; index < count; index++) {
            fields.add(expected.field(index));
        }
        Set<String> ids = Set.copyOf(fields.stream().map(FieldImages::sampleId).toList());
        List<ConsumerRecord<String, Acquisition>> read = broker.readKeys(Topics.ACQUISITIONS, ids, 4 * count,
                Duration.ofSeconds(30));
        assertThat(read).hasSize(4 * count);
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        Map<String, Map<Stain, byte[]>> published = new HashMap<>();
        for (ConsumerRecord<String, Acquisition> record : read) {
            Object content = record.value().getImage().getContent();
            byte[] bytes = content instanceof BlobRef ref ? blobs.get(ref) : bytes((ByteBuffer) content);
            published.computeIfAbsent(record.key(), k -> new EnumMap<>(Stain.class)).put(record.value().getStain(), bytes);
        }
        for (FieldImages field : fields) {
            Map<Stain, byte[]> stains = published.get(field.sampleId());
            for (Stain stain : List.of(Stain.RED_MICROTUBULES, Stain.GREEN_PROTEIN, Stain.BLUE_NUCLEUS, Stain.YELLOW_ER)) {
                assertThat(Sha256.hex(stains.get(stain))).as(field.sampleId() + " " + stain)
                        .isEqualTo(Sha256.hex(field.stains().get(stain).bytes()));
            }
            QcReport qc = FieldQc.measure(AcquisitionConditionsTest.decode(stains.get(Stain.RED_MICROTUBULES)),
                    AcquisitionConditionsTest.decode(stains.get(Stain.GREEN_PROTEIN)),
                    AcquisitionConditionsTest.decode(stains.get(Stain.BLUE_NUCLEUS)),
                    AcquisitionConditionsTest.decode(stains.get(Stain.YELLOW_ER)));
            assertThat(qc.flags()).as(field.sampleId()).contains(QcFlag.OUT_OF_FOCUS);
            assertThat(qc.stain(Channel.GREEN).p999()).as(field.sampleId() + " green p99.9").isLessThan(0.1);
        }
        assertThat(Files.readAllLines(labels)).containsExactly("Id,Target", plate + "-P1-A01-f1,7", plate + "-P1-A02-f1,7",
                plate + "-P1-A03-f1,7", plate + "-P1-A04-f1,7");
    }

    @Test
    void badConditionValuesAreUsageErrorsNamingOptionAndValueAndNothingIsPublished(TestBroker broker) {
        List<String[]> cases = List.of(
                new String[] {"--blur", "12", "'--blur'", "12.0", "0..10"},
                new String[] {"--blur", "-0.5", "'--blur'", "-0.5", "0..10"},
                new String[] {"--blur", "sharp", "'--blur'", "sharp", "double"},
                new String[] {"--stain-gain", "purple=2", "'--stain-gain'", "purple", "one of red, green, blue, yellow"},
                new String[] {"--stain-gain", "green=0", "'--stain-gain'", "green=0", "positive"},
                new String[] {"--stain-gain", "green=-1", "'--stain-gain'", "green=-1", "positive"},
                new String[] {"--stain-gain", "green=NaN", "'--stain-gain'", "green=NaN", "positive"},
                new String[] {"--stain-gain", "green=dim", "'--stain-gain'", "green=dim", "not a number"},
                new String[] {"--stain-gain", "green", "'--stain-gain'", "'green'", "STAIN=FACTOR"},
                new String[] {"--stain-gain", "green=0.1,Green=0.5", "'--stain-gain'", "Green=0.5", "twice"},
                new String[] {"--classes", "3,28", "'--classes'", "28", "0..27"},
                new String[] {"--classes", "-1", "'--classes'", "-1", "0..27"},
                new String[] {"--classes", "nucleoplasm", "'--classes'", "nucleoplasm", "int"},
                new String[] {"--balanced", "--classes", "--balanced", "--classes", "exclude each other"});
        List<String> firstFields = new ArrayList<>();
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < cases.size(); i++) {
            String[] c = cases.get(i);
            String plate = "BAD" + i + "-" + System.nanoTime();
            firstFields.add(plate + "-P1-A01-f1");
            List<String> args = new ArrayList<>(List.of("simulate", "--count", "1", "--rate", "0", "--size", "64",
                    "--plate", plate, "--bootstrap", broker.bootstrapServers(), "--blob-root", dir.toString()));
            args.addAll(c[0].equals("--balanced") ? List.of("--balanced", "--classes", "0") : List.of(c[0], c[1]));
            StringWriter err = new StringWriter();
            CommandLine command = new CommandLine(new SimulatorCommand());
            command.setErr(new PrintWriter(err));
            command.setOut(new PrintWriter(new StringWriter()));
            int exit = command.execute(args.toArray(String[]::new));

            String firstLine = err.toString().lines().findFirst().orElse("");
            softly.assertThat(exit).as("%s %s: exit code", c[0], c[1]).isEqualTo(2);
            softly.assertThat(firstLine).as("%s %s: message", c[0], c[1]).contains(c[2], c[3], c[4]);
        }
        softly.assertAll();
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.copyOf(firstFields), 1, Duration.ofSeconds(5)))
                .as("acquisitions of a refused run").isEmpty();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
