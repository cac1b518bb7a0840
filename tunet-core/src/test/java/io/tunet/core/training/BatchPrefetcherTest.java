package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.tunet.core.augment.Augmenter;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.model.Networks;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.schemas.HpaClasses;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchPrefetcherTest {

    private static final int SIZE = 32;

    @TempDir
    static Path shared;

    private static SampleSet samples;

    @BeforeAll
    static void cache() throws Exception {
        Path dir = TinyHpaDirectory.write(shared.resolve("hpa"), 11, 32, 9);
        samples = TrainingData.loadAll(HpaDirectory.open(dir), SampleCache.open(shared.resolve("cache"), SIZE,
                ThresholdMethod.OTSU));
    }

    @Test
    void shouldBuildTheSameAugmentedBatchesAsALoopWithTheSameSeed() throws Exception {
        int[] order = TrainingStep.shuffledOrder(samples.size(), new SplittableRandom(1));
        List<float[]> expected = new ArrayList<>();
        SplittableRandom loopRng = new SplittableRandom(7);
        for (int start = 0; start < order.length; start += 4) {
            List<TrainingData.Sample> chunk = new ArrayList<>();
            for (int i = start; i < Math.min(order.length, start + 4); i++) {
                chunk.add(samples.get(order[i]));
            }
            expected.addAll(arrays(Batch.of(chunk, SIZE, true, Augmenter.defaults(), loopRng)));
        }

        List<float[]> actual = new ArrayList<>();
        try (BatchPrefetcher batches = new BatchPrefetcher(samples, order, 4, true, Augmenter.defaults(),
                new SplittableRandom(7), SIZE, 1)) {
            for (Batch batch = batches.next(); batch != null; batch = batches.next()) {
                actual.addAll(arrays(batch));
            }
            assertNull(batches.next(), "the end stays the end");
        }

        assertEquals(3 * 3, actual.size(), "three batches (4, 4, 3 samples), three arrays each");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "array " + i);
        }
    }

    @Test
    void shouldMakeTheMaskTargetsOfEachLabelledClassFromTheGreenMask() {
        List<TrainingData.Sample> two = samples.load(0, 2);
        float[] targets = arrays(Batch.of(two, SIZE, true, null, null)).get(2);
        int planes = HpaClasses.COUNT * SIZE * SIZE;
        for (int i = 0; i < two.size(); i++) {
            // plane c is the green mask where c is a label, else zeros
            float[] expected = new float[planes];
            for (int label : two.get(i).labels()) {
                for (int p = 0; p < SIZE * SIZE; p++) {
                    expected[label * SIZE * SIZE + p] = two.get(i).proteinMask()[p];
                }
            }
            assertArrayEquals(expected, Arrays.copyOfRange(targets, i * planes, (i + 1) * planes));
        }
    }

    @Test
    void shouldPassOnWhatBuildingABatchThrew() throws Exception {
        SampleSet failing = new SampleSet() {
            @Override
            public int size() {
                return samples.size();
            }

            @Override
            public String id(int index) {
                return samples.id(index);
            }

            @Override
            public int[] labels(int index) {
                return samples.labels(index);
            }

            @Override
            public boolean hasTrueMasks() {
                return false;
            }

            @Override
            public TrainingData.Sample get(int index) {
                if (index == 6) {
                    throw new UncheckedIOException(new java.io.IOException("record of sample-006 is damaged"));
                }
                return samples.get(index);
            }
        };
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7};
        try (BatchPrefetcher batches = new BatchPrefetcher(failing, order, 4, false, null, null, SIZE, 2)) {
            assertEquals(4, batches.next().count());
            UncheckedIOException e = assertThrows(UncheckedIOException.class, batches::next);
            assertTrue(e.getMessage().contains("sample-006"), e.getMessage());
        }
    }

    @Test
    void shouldStopItsThreadWhenClosedBeforeTheEnd() throws Exception {
        int[] order = TrainingStep.shuffledOrder(samples.size(), new SplittableRandom(2));
        BatchPrefetcher batches = new BatchPrefetcher(samples, order, 1, true, null, null, SIZE, 1);
        batches.next();
        batches.close();
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("batch-prefetch") && t.isAlive()), "no producer left behind");
    }

    private static List<float[]> arrays(Batch batch) {
        try (NDManager manager = NDManager.newBaseManager(Networks.TRAINING_ENGINE)) {
            NDList inputs = batch.inputs(manager);
            NDList labels = batch.labels(manager);
            return List.of(inputs.get(0).toFloatArray(), labels.get(0).toFloatArray(), labels.get(1).toFloatArray());
        }
    }
}
