package io.tunet.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Stain;
import io.tunet.testkit.TestBroker;

/** Stain files written the way acquisition software writes them, and what the tests read back. */
final class StainFiles {

    static final Map<Stain, String> HPA_NAMES = new EnumMap<>(Map.of(Stain.RED_MICROTUBULES, "red",
            Stain.GREEN_PROTEIN, "green", Stain.BLUE_NUCLEUS, "blue", Stain.YELLOW_ER, "yellow"));

    private StainFiles() {
    }

    /** Settings for a test: the service's defaults, a short quiet period and frequent rescans. */
    static GatewaySettings settings(Path temp, TestBroker broker) {
        return GatewaySettings.defaults(temp.resolve("watch"), temp.resolve("blobs"), broker.bootstrapServers())
                .withQuietPeriod(Duration.ofMillis(300)).withRescanInterval(Duration.ofSeconds(1));
    }

    /** A noisy 8-bit PNG, different for every (id, stain). */
    static byte[] png(String id, Stain stain, int size) {
        Random random = new Random((id + stain).hashCode());
        float[] pixels = new float[size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        return ImageCodec.encodePng(new GrayImage(size, size, 8, pixels), 8);
    }

    /** The HPA name of a stain file. */
    static String name(String id, Stain stain) {
        return id + "_" + HPA_NAMES.get(stain) + ".png";
    }

    /** Writes the four stain files of a field in place (no temporary name); returns their bytes by stain. */
    static Map<Stain, byte[]> writeField(Path folder, String id, int size) throws IOException {
        Map<Stain, byte[]> written = new EnumMap<>(Stain.class);
        for (Stain stain : HPA_NAMES.keySet()) {
            byte[] bytes = png(id, stain, size);
            Files.write(folder.resolve(name(id, stain)), bytes);
            written.put(stain, bytes);
        }
        return written;
    }

    /** The bytes an acquisition carries inline. */
    static byte[] inlineBytes(Acquisition acquisition) {
        ByteBuffer content = ((ByteBuffer) acquisition.getImage().getContent()).duplicate();
        byte[] bytes = new byte[content.remaining()];
        content.get(bytes);
        return bytes;
    }

    /** Records per "sampleId/stain". */
    static Map<String, Long> perStain(List<ConsumerRecord<String, Acquisition>> records) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (ConsumerRecord<String, Acquisition> r : records) {
            counts.merge(r.key() + "/" + r.value().getStain(), 1L, Long::sum);
        }
        return counts;
    }

    /** Regular files in a folder (not its subfolders). */
    static List<String> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            List<String> names = new ArrayList<>();
            list.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
            return names;
        }
    }

    /** Waits until the condition holds; fails with {@code what} and the last value of {@code state} after the timeout. */
    static void await(BooleanSupplier condition, Duration timeout, String what, Supplier<Object> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what + " (now: " + state.get() + ")");
            }
            Thread.sleep(50);
        }
    }

    /** A file count for {@link #await}, as a supplier that does not throw. */
    static int count(Path folder) {
        try {
            return files(folder).size();
        } catch (IOException e) {
            return -1;
        }
    }
}
