package io.tunet.stack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.EncodedImage;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.SyntheticFieldSource;
import io.tunet.stack.support.Microscope;
import io.tunet.stack.support.PythonClient;
import io.tunet.stack.support.RepoPaths;
import io.tunet.stack.support.ResultsDatabase;
import io.tunet.stack.support.ResultsDatabase.StoredResult;
import io.tunet.stack.support.ServingModel;
import io.tunet.stack.support.Stack;
import io.tunet.stack.support.TopicReader;
import io.tunet.synth.HpaSynth;
import io.tunet.testkit.TestDirectories;

/**
 * The whole line, each service its own process: simulator → ingest → inference → results sink, counted in
 * PostgreSQL. One stack serves every test, in order: the clean path (with the two real full-size fields), a
 * SIGKILL of each service in turn mid-stream, a broker crash, a database outage, and a barrage of malformed
 * acquisitions, and last the two real fields again, published by the Python client ({@code clients/python}) as a
 * child process. After each: every field published has exactly one stored prediction with its masks. What
 * happened is also written to {@code target/e2e/report.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StackIT {

    private static final int SIZE = 128;
    /** Long enough for a restarted JVM to rejoin, short enough that a lost record shows within a CI run. */
    private static final Duration DELIVERY = Duration.ofMinutes(6);
    /** Fields published while a fault happens, at a rate the line sustains on two cores. */
    private static final int FIELDS_PER_FAULT = 24;
    private static final double FAULT_RATE = 2.0;

    private final Path home = RepoPaths.target("e2e");
    private final StringBuilder report = new StringBuilder("# End-to-end and fault tests\n\n"
            + "| phase | fields | stored once | missing | more than one row | mask rows ≠ labels | replayed on `classifications` | wall s |\n"
            + "|---|---|---|---|---|---|---|---|\n");
    private Stack stack;
    private Microscope microscope;
    private ResultsDatabase database;
    private int plates;

    @BeforeAll
    void startTheLine() throws Exception {
        Stack.killLeftovers(home.resolve("stack"));
        TestDirectories.deleteRecursively(home);
        Files.createDirectories(home);
        Path model = ServingModel.export(Files.createDirectories(home.resolve("model")), SIZE);
        stack = Stack.start(home.resolve("stack"), model, Map.of());
        microscope = new Microscope(stack.bootstrap(), stack.blobStore());
        database = new ResultsDatabase(stack.postgres());
    }

    @AfterAll
    void stopTheLine() throws Exception {
        try {
            Files.writeString(home.resolve("report.md"), report);
            System.out.println(report);
        } finally {
            if (microscope != null) {
                microscope.close();
            }
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    @Order(1)
    void everyPublishedFieldIsStoredOnceWithItsMasksIncludingRealFullSizeFields() throws Exception {
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>(microscope.publishSynthetic(nextPlate(), SIZE, 1, 30, 0));
        Path fullSize = RepoPaths.shared().resolve("data/hpa/full-size");
        List<String> real = microscope.publishDirectory(fullSize, nextPlate());
        assertThat(real).as("real full-size fields in " + fullSize).hasSize(2);
        ids.addAll(real);
        assertExactlyOnce("clean run (30 synthetic + 2 real full-size)", ids, start);
    }

    @Test
    @Order(2)
    void killNineOfEachServiceMidStreamLosesAndDuplicatesNothing() throws Exception {
        for (String service : Stack.SERVICES) {
            long start = System.nanoTime();
            List<String> ids = duringFault(() -> stack.killAndRestart(service));
            assertExactlyOnce("kill -9 " + service, ids, start);
        }
    }

    @Test
    @Order(3)
    void aBrokerCrashLosesAndDuplicatesNothing() throws Exception {
        long start = System.nanoTime();
        List<String> ids = duringFault(() -> {
            stack.kafka().kill();
            Thread.sleep(5_000);
            stack.kafka().start();
        });
        assertExactlyOnce("broker kill -9, restart after 5 s", ids, start);
        stack.awaitAllReady(Duration.ofMinutes(2));
    }

    @Test
    @Order(4)
    void aDatabaseOutageLosesAndDuplicatesNothing() throws Exception {
        long start = System.nanoTime();
        List<String> ids = duringFault(() -> {
            stack.postgres().stop();
            Thread.sleep(15_000);
            assertThat(stack.service(Stack.RESULTS).ready()).as("results sink ready while its database is down")
                    .isFalse();
            stack.postgres().start();
        });
        assertExactlyOnce("PostgreSQL stopped for 15 s", ids, start);
        stack.awaitAllReady(Duration.ofMinutes(2));
    }

    @Test
    @Order(5)
    void malformedAcquisitionsAllGoToTheDeadLetterTopicWithTheirReasonWhileGoodOnesAreProcessed() throws Exception {
        long start = System.nanoTime();
        HpaSynth synth8 = HpaSynth.builder().size(SIZE).build();
        HpaSynth synth16 = HpaSynth.builder().size(SIZE).bitDepth(16).build();
        Map<Stain, EncodedImage> field8 = new SyntheticFieldSource(synth8, 5, new PlateLayout("T", 1)).field(0).stains();
        EncodedImage png16 = new SyntheticFieldSource(synth16, 5, new PlateLayout("T", 1)).field(0).stains()
                .get(Stain.GREEN_PROTEIN);
        List<BadAcquisitions.Bad> bad = new BadAcquisitions(field8, png16).make(16);
        assertThat(bad).hasSizeGreaterThanOrEqualTo(200);

        String plate = nextPlate();
        SyntheticFieldSource good = new SyntheticFieldSource(synth8, 6, new PlateLayout(plate, 4));
        List<String> goodIds = new ArrayList<>();
        int goodFields = 30;
        int perGood = bad.size() / goodFields + 1;
        for (int g = 0, b = 0; g < goodFields; g++) {
            FieldImages field = good.field(g);
            goodIds.addAll(microscope.publish(List.of(field), 0));
            for (int k = 0; k < perGood && b < bad.size(); k++, b++) {
                BadAcquisitions.Bad one = bad.get(b);
                if (one.records().isEmpty()) {
                    microscope.sendRaw(one.key(), one.raw());
                }
                for (Acquisition record : one.records()) {
                    microscope.send(one.key(), record);
                }
            }
        }
        assertExactlyOnce("30 good fields among " + bad.size() + " malformed acquisitions", goodIds, start);

        // inference dead-letters the damaged fields after decoding them: allow it the time to get there
        Map<String, String> wrong = misfiled(bad);
        for (long deadline = System.nanoTime() + DELIVERY.toNanos(); !wrong.isEmpty() && System.nanoTime() < deadline; ) {
            Thread.sleep(2_000);
            wrong = misfiled(bad);
        }
        assertThat(wrong).as("dead letters that are missing, doubled or have the wrong reason").isEmpty();
        assertThat(stack.notReady()).as("services not ready after the barrage").isEmpty();
        report.append("\nBarrage: ").append(bad.size()).append(" malformed inputs of ")
                .append(bad.stream().map(BadAcquisitions.Bad::kind).distinct().count()).append(" kinds (")
                .append(bad.stream().map(BadAcquisitions.Bad::kind).distinct().collect(Collectors.joining(", ")))
                .append("), each dead-lettered exactly once with the expected reason: ")
                .append(bad.stream().filter(b -> !b.atInference()).count()).append(" by ingest on `acquisitions-dlq`, ")
                .append(bad.stream().filter(BadAcquisitions.Bad::atInference).count())
                .append(" (complete fields whose pixels are damaged) by inference on `samples-dlq`.\n");
    }

    /** The bad inputs whose dead letter is missing, doubled or has another reason than expected. */
    private Map<String, String> misfiled(List<BadAcquisitions.Bad> bad) {
        Map<String, List<DeadLetter>> atIngest = deadLetters(Topics.ACQUISITIONS_DLQ, key -> key.startsWith("bad-"));
        Map<String, List<DeadLetter>> atInference = deadLetters(Topics.SAMPLES_DLQ, key -> key.startsWith("bad-"));
        Map<String, String> wrong = new HashMap<>();
        for (BadAcquisitions.Bad one : bad) {
            List<DeadLetter> got = (one.atInference() ? atInference : atIngest).getOrDefault(one.key(), List.of());
            List<DeadLetterReason> reasons = got.stream().map(DeadLetter::getReason).toList();
            if (!reasons.equals(List.of(one.expected())) || got.get(0).getDetail().isBlank()) {
                wrong.put(one.key(), "expected one " + one.expected() + ", got " + reasons);
            }
        }
        return wrong;
    }

    private Map<String, List<DeadLetter>> deadLetters(io.tunet.schemas.topics.Topic<String, DeadLetter> topic,
            Predicate<String> keys) {
        return TopicReader.readAll(stack.bootstrap(), topic).stream()
                .filter(r -> r.key() != null && keys.test(r.key()))
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.mapping(ConsumerRecord::value,
                        Collectors.toList())));
    }

    @Test
    @Order(6)
    void realFullSizeFieldsPublishedByThePythonClientAreStoredOnce() throws Exception {
        long start = System.nanoTime();
        Path fullSize = RepoPaths.shared().resolve("data/hpa/full-size");
        List<String> ids = hpaIds(fullSize);
        assertThat(ids).as("real full-size fields in " + fullSize).hasSize(2);
        PythonClient python = PythonClient.find();
        PythonClient.Result published = python.cli(List.of("publish-dir", fullSize.toString(),
                "--bootstrap-servers", stack.bootstrap(), "--blob-root", stack.blobStore().toString(),
                "--plate", "PY", "--instrument", "e2e-python-client"), Duration.ofMinutes(5));
        assertThat(published.exitCode()).as(python.interpreter() + " -m tunet_client publish-dir:\n"
                + published.output()).isZero();
        assertThat(awaitStoredOrDeadLettered(ids))
                .as("dead letters for the Python client's fields (UNKNOWN_SCHEMA: the readers do not know the "
                        + "fingerprint of python-avro's canonical form)").isEmpty();
        assertExactlyOnce("Python client (`clients/python`): the 2 real full-size fields", ids, start);
    }

    @Test
    @Order(7)
    void realFieldsAsTheHpaWebsiteServesThemOneTintedJpegPerStainAreStoredOnce() throws Exception {
        long start = System.nanoTime();
        Path website = Files.createDirectories(home.resolve("hpa-website-images"));
        Path fullSize = RepoPaths.shared().resolve("data/hpa/full-size");
        for (String id : hpaIds(fullSize)) {
            for (String stain : List.of("red", "green", "blue", "yellow")) {
                tintAsTheHpaWebsite(fullSize.resolve(id + "_" + stain + ".png"), stain,
                        website.resolve(id + "_" + stain + ".jpg"));
            }
        }
        List<String> ids = microscope.publishDirectory(website, nextPlate());
        assertThat(ids).hasSize(2);
        assertThat(awaitStoredOrDeadLettered(ids)).as("dead letters for HPA colour images").isEmpty();
        assertExactlyOnce("HPA website images (RGB JPEG per stain, tinted in its colour): the 2 real fields", ids,
                start);
    }

    /**
     * Writes a grey stain as the HPA website serves it (v18 and later): an RGB JPEG with the stain in its own
     * colour's channel, yellow in red and green.
     */
    private static void tintAsTheHpaWebsite(Path greyPng, String stain, Path jpeg) throws IOException {
        java.awt.image.BufferedImage grey = javax.imageio.ImageIO.read(greyPng.toFile());
        java.awt.image.Raster raster = grey.getRaster();
        int width = grey.getWidth();
        int[] shifts = switch (stain) {
            case "red" -> new int[] {16};
            case "green" -> new int[] {8};
            case "blue" -> new int[] {0};
            default -> new int[] {16, 8};
        };
        java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(width, grey.getHeight(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        int[] pixels = new int[width];
        for (int y = 0; y < grey.getHeight(); y++) {
            raster.getSamples(0, y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                int colour = 0;
                for (int shift : shifts) {
                    colour |= row[x] << shift;
                }
                pixels[x] = colour;
            }
            rgb.setRGB(0, y, width, 1, pixels, 0, width);
        }
        if (!javax.imageio.ImageIO.write(rgb, "jpg", jpeg.toFile())) {
            throw new IOException("no JPEG writer");
        }
    }

    /** The HPA ids of a folder's stain files, sorted, as the Python client's {@code publish-dir} finds them. */
    private static List<String> hpaIds(Path dir) throws IOException {
        Pattern stainFile = Pattern.compile("(.+)_(?:red|green|blue|yellow)\\.(?:png|tif|tiff|jpg|jpeg)");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> stainFile.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> m.group(1)).distinct().sorted().toList();
        }
    }

    /**
     * Waits until every field is stored, or a service dead-letters one of them (then there is no point in waiting
     * the full delivery time).
     *
     * @return the dead letters found, as {@code key: REASON detail}; empty once everything is stored or the time ran out
     */
    private List<String> awaitStoredOrDeadLettered(List<String> ids) throws Exception {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (System.nanoTime() < deadline) {
            if (database.results(ids).size() == ids.size()) {
                return List.of();
            }
            List<String> rejected = Stream.of(Topics.ACQUISITIONS_DLQ, Topics.SAMPLES_DLQ)
                    .flatMap(topic -> deadLetters(topic, ids::contains).entrySet().stream())
                    .flatMap(e -> e.getValue().stream().map(d -> e.getKey() + ": " + d.getReason() + " "
                            + d.getDetail()))
                    .toList();
            if (!rejected.isEmpty()) {
                return rejected;
            }
            Thread.sleep(2_000);
        }
        return List.of();
    }

    /** A fault while the microscope publishes: the fault starts a few seconds into the stream. */
    private List<String> duringFault(Fault fault) throws Exception {
        String plate = nextPlate();
        CompletableFuture<List<String>> published = CompletableFuture.supplyAsync(() -> {
            try {
                return microscope.publishSynthetic(plate, SIZE, plates, FIELDS_PER_FAULT, FAULT_RATE);
            } catch (Exception e) {
                throw new IllegalStateException("publishing failed", e);
            }
        });
        Thread.sleep(3_000);
        fault.happen();
        try {
            return published.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the microscope could not publish during the fault", e.getCause());
        }
    }

    @FunctionalInterface
    private interface Fault {
        void happen() throws Exception;
    }

    private void assertExactlyOnce(String phase, Collection<String> ids, long startNanos) throws Exception {
        List<String> missing = database.awaitStored(ids, DELIVERY);
        Map<String, StoredResult> stored = database.results(ids);
        List<String> multiple = stored.values().stream().filter(r -> r.rows() != 1).map(StoredResult::sampleId).toList();
        List<String> maskMismatch = stored.values().stream()
                .filter(r -> r.masks() != r.predictedLabels() || r.predictedLabels() != ServingModel.ALWAYS_PREDICTED.length)
                .map(StoredResult::sampleId).toList();
        Map<String, Long> onTopic = TopicReader.readAll(stack.bootstrap(), Topics.CLASSIFICATIONS).stream()
                .filter(r -> ids.contains(r.value().getSampleId()))
                .collect(Collectors.groupingBy(r -> r.value().getSampleId(), Collectors.counting()));
        long replayed = onTopic.values().stream().mapToLong(n -> n - 1).sum();
        report.append(String.format("| %s | %d | %d | %d | %d | %d | %d | %.0f |%n", phase, ids.size(),
                stored.size() - multiple.size(), missing.size(), multiple.size(), maskMismatch.size(), replayed,
                (System.nanoTime() - startNanos) / 1e9));
        assertThat(missing).as(phase + ": fields with no stored prediction after " + DELIVERY).isEmpty();
        assertThat(multiple).as(phase + ": fields with more than one stored prediction").isEmpty();
        assertThat(maskMismatch).as(phase + ": fields whose stored masks are not one per predicted label").isEmpty();
    }

    private String nextPlate() {
        return "E2E" + (++plates);
    }
}
