package io.tunet.core.training;

import io.tunet.core.masks.GroundTruthMasks;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.HpaEntry;
import io.tunet.imaging.hpa.SplitAssigner;
import io.tunet.schemas.HpaClasses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * A training and a validation split of model-ready samples. Samples from a directory go through a {@link
 * SampleCache}: each image is decoded and resized once, ever, and training reads them back one batch at a time,
 * so memory does not grow with the dataset. The weak mask label (the thresholded green stain) is stored once per
 * sample and expanded to 28 planes only when a batch is built.
 */
public final class TrainingData {

    /**
     * One sample's tensors.
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
            return TrainingData.truth(labels);
        }
    }

    /** Class indices as 28 booleans. */
    static boolean[] truth(int[] labels) {
        boolean[] truth = new boolean[HpaClasses.COUNT];
        for (int label : labels) {
            truth[label] = true;
        }
        return truth;
    }

    private final SampleSet train;
    private final SampleSet validation;
    private final int size;

    /**
     * Data from two sample sets of side {@code size}.
     *
     * @throws IllegalArgumentException if a split is empty
     */
    public TrainingData(SampleSet train, SampleSet validation, int size) {
        if (train.size() == 0 || validation.size() == 0) {
            throw new IllegalArgumentException("need samples in both splits, got " + train.size() + " training and "
                    + validation.size() + " validation samples");
        }
        this.train = train;
        this.validation = validation;
        this.size = size;
    }

    /**
     * Data from samples already in memory.
     *
     * @throws IllegalArgumentException if a split is empty or a sample does not match {@code size}
     */
    public TrainingData(List<Sample> train, List<Sample> validation, int size) {
        this(SampleSet.of(checked(train, size)), SampleSet.of(checked(validation, size)), size);
    }

    private static List<Sample> checked(List<Sample> samples, int size) {
        int plane = size * size;
        for (Sample s : samples) {
            if (s.image().length != 4 * plane || s.proteinMask().length != plane) {
                throw new IllegalArgumentException("sample " + s.id() + " does not have size " + size);
            }
            for (int label : s.labels()) {
                HpaClasses.requireValid(label);
            }
        }
        return samples;
    }

    /**
     * The samples of an HPA-layout directory at the cache's size, split by a hash of the id ({@link
     * SplitAssigner}); the ones not cached yet are decoded first, on all cores.
     *
     * @param progress hears the number of samples ready as the cache fills
     * @throws DatasetException naming the file and the problem for an unreadable or inconsistent sample, or
     *     when a split would be empty
     */
    public static TrainingData load(HpaDirectory directory, double validationFraction, SampleCache cache,
            IntConsumer progress) throws DatasetException {
        return load(directory, directory.entries(), validationFraction, cache, progress);
    }

    /**
     * As {@link #load(HpaDirectory, double, SampleCache, IntConsumer)} for the given entries of the directory,
     * each with its own labels (which may come from another label file).
     */
    public static TrainingData load(HpaDirectory directory, List<HpaEntry> entries, double validationFraction,
            SampleCache cache, IntConsumer progress) throws DatasetException {
        SplitAssigner.Split split = SplitAssigner.split(entries, validationFraction);
        if (split.train().isEmpty() || split.validation().isEmpty()) {
            throw new DatasetException(directory.directory() + ": " + entries.size()
                    + " samples leave an empty split at validation fraction " + validationFraction
                    + " (" + split.train().size() + " train, " + split.validation().size() + " validation)");
        }
        List<HpaEntry> ordered = new ArrayList<>(split.train());
        ordered.addAll(split.validation());
        SampleSet all = loadAll(directory, ordered, cache, progress);
        int trainCount = split.train().size();
        return new TrainingData(all.subset(IntStream.range(0, trainCount).toArray()),
                all.subset(IntStream.range(trainCount, all.size()).toArray()), cache.size());
    }

    /** Every sample of a directory, for evaluation (no split). */
    public static SampleSet loadAll(HpaDirectory directory, SampleCache cache) throws DatasetException {
        return loadAll(directory, directory.entries(), cache, done -> { });
    }

    /**
     * The given samples of {@code directory} through the cache, each with the labels of its entry (an entry names
     * a sample of the directory by id; its labels may come from elsewhere, e.g. another label file).
     *
     * @throws DatasetException as {@link #load}
     */
    public static SampleSet loadAll(HpaDirectory directory, List<HpaEntry> entries, SampleCache cache,
            IntConsumer progress) throws DatasetException {
        List<SampleCache.Input> inputs = new ArrayList<>(entries.size());
        for (HpaEntry entry : entries) {
            inputs.add(new SampleCache.Input(entry.id(), entry.labels(), key(directory, entry),
                    () -> toSample(directory.load(entry, cache.size()), cache.size(), cache.maskThreshold())));
        }
        SampleCache.Result result;
        try {
            result = cache.cache(inputs, Runtime.getRuntime().availableProcessors(), progress);
        } catch (IOException e) {
            throw new DatasetException("cannot use the sample cache " + cache.folder() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while loading " + directory.directory(), e);
        }
        if (!result.failures().isEmpty()) {
            Exception cause = result.failures().get(0).cause();
            if (cause instanceof DatasetException dataset) {
                throw dataset;
            }
            throw new DatasetException("cannot load sample " + result.failures().get(0).id() + " of "
                    + directory.directory() + ": " + cause.getMessage(), cause);
        }
        return result.samples();
    }

    /** The content key of a directory sample: its id, labels and every source file's path, size and time. */
    private static String key(HpaDirectory directory, HpaEntry entry) throws DatasetException {
        List<String> parts = new ArrayList<>();
        for (Path file : directory.sourceFiles(entry)) {
            try {
                parts.add(file.toAbsolutePath() + "|" + Files.size(file) + "|"
                        + Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                throw new DatasetException(file + ": cannot be read: " + e, e);
            }
        }
        return SampleCache.key(entry.id(), entry.labels(), parts);
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
    public SampleSet train() {
        return train;
    }

    /** Validation samples. */
    public SampleSet validation() {
        return validation;
    }

    /** Side S of every tensor. */
    public int size() {
        return size;
    }

    /** Whether every validation sample has true masks (then Dice is scored). */
    public boolean hasTrueMasks() {
        return validation.hasTrueMasks();
    }
}
