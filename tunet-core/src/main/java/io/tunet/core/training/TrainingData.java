package io.tunet.core.training;

import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.HpaEntry;
import io.tunet.imaging.hpa.SplitAssigner;
import io.tunet.core.masks.GroundTruthMasks;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.schemas.HpaClasses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A training and a validation split held in memory as model-ready tensors: every image is decoded and
 * resized once, not once per epoch. The weak mask label (the thresholded green stain) is stored once per
 * sample and expanded to 28 planes only when a batch is built.
 */
public final class TrainingData {

    /**
     * One cached sample.
     *
     * @param id sample id
     * @param image {@code 4 × S × S} input tensor
     * @param proteinMask {@code S × S} 0/1 mask of the green stain (the weak label of every labelled class)
     * @param labels class indices
     * @param trueMasks per class, the {@code S × S} 0/1 true mask, or null where the class is not a label;
     *     the whole array is null when the data has no true masks
     */
    public record Sample(String id, float[] image, byte[] proteinMask, int[] labels, byte[][] trueMasks) {

        /** The labels as 28 booleans. */
        public boolean[] truth() {
            boolean[] truth = new boolean[HpaClasses.COUNT];
            for (int label : labels) {
                truth[label] = true;
            }
            return truth;
        }
    }

    private final List<Sample> train;
    private final List<Sample> validation;
    private final int size;

    /**
     * Data from already prepared samples.
     *
     * @throws IllegalArgumentException if a split is empty or a sample does not match {@code size}
     */
    public TrainingData(List<Sample> train, List<Sample> validation, int size) {
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException("need samples in both splits, got " + train.size() + " training and "
                    + validation.size() + " validation samples");
        }
        int plane = size * size;
        for (List<Sample> split : List.of(train, validation)) {
            for (Sample s : split) {
                if (s.image().length != 4 * plane || s.proteinMask().length != plane) {
                    throw new IllegalArgumentException("sample " + s.id() + " does not have size " + size);
                }
                for (int label : s.labels()) {
                    HpaClasses.requireValid(label);
                }
            }
        }
        this.train = List.copyOf(train);
        this.validation = List.copyOf(validation);
        this.size = size;
    }

    /**
     * Decodes every sample of an HPA-layout directory at {@code size × size} (on all cores) and splits by a
     * hash of the id ({@link SplitAssigner}).
     *
     * @throws DatasetException naming the file and the problem for an unreadable or inconsistent sample, or
     *     when a split would be empty
     */
    public static TrainingData load(HpaDirectory directory, int size, double validationFraction,
            ThresholdMethod maskThreshold) throws DatasetException {
        SplitAssigner.Split split = SplitAssigner.split(directory.entries(), validationFraction);
        if (split.train().isEmpty() || split.validation().isEmpty()) {
            throw new DatasetException(directory.directory() + ": " + directory.entries().size()
                    + " samples leave an empty split at validation fraction " + validationFraction
                    + " (" + split.train().size() + " train, " + split.validation().size() + " validation)");
        }
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            return new TrainingData(loadAll(directory, split.train(), size, maskThreshold, pool),
                    loadAll(directory, split.validation(), size, maskThreshold, pool), size);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every sample of a directory, for evaluation (no split). */
    public static List<Sample> loadAll(HpaDirectory directory, int size, ThresholdMethod maskThreshold)
            throws DatasetException {
        return loadAll(directory, directory.entries(), size, maskThreshold);
    }

    /**
     * Loads the given samples of {@code directory} on all cores, each with the labels of its entry (an entry names
     * a sample of the directory by id; its labels may come from elsewhere, e.g. another label file).
     *
     * @throws DatasetException as {@link #loadAll(HpaDirectory, int, ThresholdMethod)}
     */
    public static List<Sample> loadAll(HpaDirectory directory, List<HpaEntry> entries, int size,
            ThresholdMethod maskThreshold) throws DatasetException {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            return loadAll(directory, entries, size, maskThreshold, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Sample> loadAll(HpaDirectory directory, List<HpaEntry> entries, int size,
            ThresholdMethod maskThreshold, ExecutorService pool) throws DatasetException {
        List<Future<Sample>> futures = new ArrayList<>();
        for (HpaEntry entry : entries) {
            futures.add(pool.submit(() -> toSample(directory.load(entry, size), size, maskThreshold)));
        }
        List<Sample> samples = new ArrayList<>(entries.size());
        try {
            for (Future<Sample> future : futures) {
                samples.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while loading " + directory.directory(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DatasetException cause) {
                throw cause;
            }
            throw new DatasetException("cannot load " + directory.directory() + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
        return samples;
    }

    /** Caches a loaded sample: derives the weak mask from its green channel and packs its true masks. */
    public static Sample toSample(HpaDirectory.LoadedSample loaded, int size, ThresholdMethod maskThreshold) {
        int plane = size * size;
        float[] green = Arrays.copyOfRange(loaded.image(), plane, 2 * plane);
        byte[] proteinMask = GroundTruthMasks.proteinMask(green, size, size, maskThreshold);
        byte[][] trueMasks = null;
        if (loaded.trueMasks() != null) {
            trueMasks = new byte[HpaClasses.COUNT][];
            for (int label : loaded.labels()) {
                byte[] mask = new byte[plane];
                for (int i = 0; i < plane; i++) {
                    mask[i] = loaded.trueMasks()[label * plane + i] > 0.5f ? (byte) 1 : 0;
                }
                trueMasks[label] = mask;
            }
        }
        return new Sample(loaded.id(), loaded.image(), proteinMask, loaded.labels(), trueMasks);
    }

    /** Training samples. */
    public List<Sample> train() {
        return train;
    }

    /** Validation samples. */
    public List<Sample> validation() {
        return validation;
    }

    /** Side S of every tensor. */
    public int size() {
        return size;
    }

    /** Whether every validation sample has true masks (then Dice is scored). */
    public boolean hasTrueMasks() {
        return validation.stream().allMatch(s -> s.trueMasks() != null);
    }
}
