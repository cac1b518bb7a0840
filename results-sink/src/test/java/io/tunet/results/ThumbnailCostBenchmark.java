package io.tunet.results;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.StainComposite;
import io.tunet.results.ingest.Thumbnails;
import io.tunet.schemas.Classification;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Thumbnail;

/**
 * CPU time of one field's thumbnail, on a real 2048² HPA field (four 16-bit PNG stains, claim-checked as ingest
 * stores them): the sink decoding the stains ({@link Thumbnails}, all it did before inference sent thumbnails and
 * what it still does for older writers), the sink taking the PNG out of a Classification that carries one, and what
 * inference adds to make it from its already decoded tensor ({@link StainComposite#fromTensor}) at model inputs of
 * 128² and 256². One thread, CPU time of that thread; minimum and median of the runs after warm-up. Prints and
 * writes {@code target/benchmark/thumbnail-cost.txt}; not part of the default test run:
 * {@code ./mvnw -o -q -B -pl results-sink -am test -Dtest=ThumbnailCostBenchmark -Dtunet.benchmark=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "tunet.benchmark", matches = "true")
class ThumbnailCostBenchmark {

    private static final String FIELD = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
    private static final int SIZE = 192;
    private static final int WARM_UP = 3;
    private static final int RUNS = 15;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @TempDir
    Path blobDir;

    /** One measured step. */
    private interface Step {
        void run() throws Exception;
    }

    @Test
    void measureCpuTimePerField() throws Exception {
        Path folder = Path.of(System.getProperty("tunet.shared.dir", "../../shared"), "data/hpa/full-size");
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(blobDir);
        byte[][] stains = new byte[4][];
        Image[] images = new Image[4];
        for (Channel channel : Channel.values()) {
            stains[channel.ordinal()] = Files.readAllBytes(folder.resolve(FIELD + "_" + channel.fileSuffix() + ".png"));
            images[channel.ordinal()] = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(2048).setHeight(2048)
                    .setBitDepth(16).setContent(blobs.put(stains[channel.ordinal()])).build();
        }
        Sample sample = Sample.newBuilder(Fixtures.sample(FIELD, "PLATE-BENCH", "A01")).setRed(images[0])
                .setGreen(images[1]).setBlue(images[2]).setYellow(images[3]).build();
        Thumbnails fromStains = new Thumbnails(blobs, SIZE);
        float[] tensor128 = tensor(stains, 128);
        float[] tensor256 = tensor(stains, 256);
        StainComposite.Png sent = StainComposite.fromTensor(tensor128, 128, 2048, 2048, SIZE);
        Classification classification = Classification.newBuilder(
                Fixtures.classification(FIELD, "PLATE-BENCH", "A01", 1, 3, 0.9f, List.of(3)))
                .setThumbnail(Thumbnail.newBuilder().setPng(ByteBuffer.wrap(sent.png())).setWidth(sent.width())
                        .setHeight(sent.height()).build())
                .build();

        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "CPU time per 2048² field (%s), one thread, min (median) of %d runs; load average before: %s%n",
                FIELD.substring(0, 8), RUNS, loadAverage()));
        report.append(line("sink, thumbnail decoded from the four stains (before; older writers now)",
                () -> fromStains.composite(sample)));
        report.append(line("sink, thumbnail taken from the Classification (now)", () -> {
            ByteBuffer png = classification.getThumbnail().getPng().duplicate();
            png.get(new byte[png.remaining()]);
        }));
        report.append(line("inference, thumbnail from a 128² tensor (added to its decode)",
                () -> StainComposite.fromTensor(tensor128, 128, 2048, 2048, SIZE)));
        report.append(line("inference, thumbnail from a 256² tensor (added to its decode)",
                () -> StainComposite.fromTensor(tensor256, 256, 2048, 2048, SIZE)));
        report.append(String.format(Locale.ROOT, "load average after: %s%n", loadAverage()));
        System.out.print(report);
        Path out = Path.of("target", "benchmark", "thumbnail-cost.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private static float[] tensor(byte[][] stains, int size) throws Exception {
        float[] tensor = new float[4 * size * size];
        for (Channel channel : Channel.values()) {
            ImageCodec.decodeResized(stains[channel.ordinal()], DecodeLimits.defaults(), channel, size, size, tensor,
                    channel.ordinal() * size * size);
        }
        return tensor;
    }

    private static String line(String what, Step step) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            step.run();
        }
        double[] millis = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = THREADS.getCurrentThreadCpuTime();
            step.run();
            millis[i] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return String.format(Locale.ROOT, "| %s | %.3f ms (%.3f ms) |%n", what, millis[0], millis[RUNS / 2]);
    }

    private static String loadAverage() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
