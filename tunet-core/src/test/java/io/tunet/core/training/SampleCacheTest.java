package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.core.masks.ThresholdMethod;
import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.HpaEntry;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCacheTest {

    private static final int SIZE = 32;

    @TempDir
    static Path shared;

    private static Path directory;

    @BeforeAll
    static void writeDirectory() {
        directory = TinyHpaDirectory.write(shared.resolve("hpa"), 9, 64, 5);
    }

    @Test
    void shouldGiveBackExactlyWhatTheDirectoryDecodes(@TempDir Path root) throws Exception {
        HpaDirectory hpa = HpaDirectory.open(directory);
        SampleSet cached = TrainingData.loadAll(hpa, SampleCache.open(root, SIZE, ThresholdMethod.OTSU));

        assertEquals(9, cached.size());
        assertTrue(cached.hasTrueMasks());
        for (int i = 0; i < cached.size(); i++) {
            HpaEntry entry = hpa.entries().get(i);
            TrainingData.Sample expected = TrainingData.toSample(hpa.load(entry, SIZE), SIZE, ThresholdMethod.OTSU);
            TrainingData.Sample actual = cached.get(i);
            assertEquals(entry.id(), actual.id());
            assertArrayEquals(entry.labels(), cached.labels(i));
            // 64² → 32² averages four 8-bit values: not an 8-bit value any more, so kept as floats, exactly
            assertArrayEquals(expected.image(), actual.image());
            assertArrayEquals(expected.proteinMask(), actual.proteinMask());
            for (int label : entry.labels()) {
                assertArrayEquals(expected.trueMasks()[label], actual.trueMasks()[label]);
            }
        }
    }

    @Test
    void shouldKeepEightBitImagesExactlyInOneBytePerValue() {
        int size = 4;
        float[] image = new float[4 * size * size];
        for (int i = 0; i < image.length; i++) {
            image[i] = (i * 37 % 256) * (1f / 255);
        }
        byte[] mask = new byte[size * size];
        mask[3] = 1;
        mask[15] = 1;
        TrainingData.Sample sample = new TrainingData.Sample("a", image, mask, new int[] {2}, null);

        byte[] record = SampleCache.toBytes(sample, size);
        TrainingData.Sample back = SampleCache.fromBytes(record, "a", new int[] {2}, size);

        assertEquals(2 + image.length + 2, record.length, "8-bit values and 16 mask bits in 2 bytes");
        assertArrayEquals(image, back.image());
        assertArrayEquals(mask, back.proteinMask());
        assertEquals(null, back.trueMasks());
    }

    @Test
    void shouldDecodeEachSampleOnceAndAgainOnlyWhenItsFilesChange(@TempDir Path root) throws Exception {
        SampleCache cache = SampleCache.open(root, SIZE, ThresholdMethod.OTSU);
        HpaDirectory hpa = HpaDirectory.open(directory);
        AtomicInteger decoded = new AtomicInteger();

        cache.cache(inputs(hpa, decoded), 2, done -> { });
        assertEquals(9, decoded.get());
        cache.cache(inputs(hpa, decoded), 2, done -> { });
        assertEquals(9, decoded.get(), "a second run decodes nothing");

        Path green = hpa.stainPath(hpa.entries().get(4), io.tunet.imaging.Channel.GREEN);
        Files.setLastModifiedTime(green, FileTime.fromMillis(Files.getLastModifiedTime(green).toMillis() + 5000));
        SampleCache.Result result = cache.cache(inputs(hpa, decoded), 2, done -> { });
        assertEquals(10, decoded.get(), "only the changed sample is decoded again");
        assertEquals(9, result.samples().size());
        assertEquals(hpa.entries().get(4).id(), result.samples().id(4));
    }

    @Test
    void shouldResumeAfterAKilledBuildAndReportSamplesThatCannotBeDecoded(@TempDir Path root) throws Exception {
        SampleCache cache = SampleCache.open(root, SIZE, ThresholdMethod.OTSU);
        HpaDirectory hpa = HpaDirectory.open(directory);
        AtomicInteger decoded = new AtomicInteger();
        List<SampleCache.Input> all = inputs(hpa, decoded);
        cache.cache(all.subList(0, 5), 2, done -> { });
        // what kill -9 in the middle of a build leaves: a record without its line, half a line
        Files.write(cache.folder().resolve("samples.bin"), new byte[1234], StandardOpenOption.APPEND);
        Files.writeString(cache.folder().resolve("index.tsv"), "abc\t99", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        List<SampleCache.Input> withBad = new ArrayList<>(all);
        withBad.add(new SampleCache.Input("broken", new int[] {1}, "broken-key", () -> {
            throw new DatasetException("broken_green.png: TRUNCATED: the file ends early");
        }));
        List<Integer> progress = new ArrayList<>();
        SampleCache.Result result = cache.cache(withBad, 2, progress::add);

        assertEquals(9, decoded.get(), "the five cached before the kill are not decoded again");
        assertEquals(9, result.samples().size());
        assertEquals(1, result.failures().size());
        assertTrue(result.failures().get(0).cause().getMessage().contains("TRUNCATED"));
        assertEquals(5, progress.get(0));
        assertEquals(10, progress.get(progress.size() - 1));
        SampleSet reference = TrainingData.loadAll(hpa, SampleCache.open(root.resolve("fresh"), SIZE,
                ThresholdMethod.OTSU));
        for (int i = 0; i < 9; i++) {
            assertArrayEquals(reference.get(i).image(), result.samples().get(i).image());
        }
        long lines = Files.readAllLines(cache.folder().resolve("index.tsv")).size();
        assertEquals(9, lines, "the half line is gone");
    }

    @Test
    void shouldRefuseADamagedRecordNamingTheSampleAndTheFix(@TempDir Path root) throws Exception {
        SampleCache cache = SampleCache.open(root, SIZE, ThresholdMethod.OTSU);
        SampleSet samples = TrainingData.loadAll(HpaDirectory.open(directory), cache);
        Path data = cache.folder().resolve("samples.bin");
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(data, bytes);

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            for (int i = 0; i < samples.size(); i++) {
                samples.get(i);
            }
        });
        assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains("delete"), e.getMessage());
    }

    @Test
    void shouldKeepDifferentSizesAndThresholdsApart(@TempDir Path root) throws Exception {
        assertTrue(!SampleCache.open(root, 32, ThresholdMethod.OTSU).folder()
                .equals(SampleCache.open(root, 64, ThresholdMethod.OTSU).folder()));
        assertTrue(!SampleCache.open(root, 32, ThresholdMethod.OTSU).folder()
                .equals(SampleCache.open(root, 32, ThresholdMethod.FIXED).folder()));
    }

    private static List<SampleCache.Input> inputs(HpaDirectory hpa, AtomicInteger decoded) throws Exception {
        List<SampleCache.Input> inputs = new ArrayList<>();
        for (HpaEntry entry : hpa.entries()) {
            List<String> parts = new ArrayList<>();
            for (Path file : hpa.sourceFiles(entry)) {
                parts.add(file + "|" + Files.getLastModifiedTime(file).toMillis());
            }
            inputs.add(new SampleCache.Input(entry.id(), entry.labels(), SampleCache.key(entry.id(), entry.labels(),
                    parts), () -> {
                decoded.incrementAndGet();
                return TrainingData.toSample(hpa.load(entry, SIZE), SIZE, ThresholdMethod.OTSU);
            }));
        }
        return inputs;
    }
}
