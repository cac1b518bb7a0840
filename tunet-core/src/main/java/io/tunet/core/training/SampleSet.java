package io.tunet.core.training;

import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An ordered set of training samples whose ids and labels are always at hand and whose tensors are fetched
 * one sample at a time, so that a split can be larger than memory: {@link SampleCache} reads them from disk,
 * {@link #of(List)} holds them in memory (tests, small sets). Implementations are safe for concurrent reads.
 */
public interface SampleSet {

    /** Number of samples. */
    int size();

    /** Id of sample {@code index}. */
    String id(int index);

    /** Class indices of sample {@code index}. */
    int[] labels(int index);

    /** Whether every sample carries true masks (then mask Dice can be scored). */
    boolean hasTrueMasks();

    /**
     * The tensors of sample {@code index}.
     *
     * @throws java.io.UncheckedIOException if a cached sample cannot be read back
     */
    TrainingData.Sample get(int index);

    /** The labels of sample {@code index} as 28 booleans. */
    default boolean[] truth(int index) {
        return TrainingData.truth(labels(index));
    }

    /** Every sample's labels as 28 booleans, without reading a tensor. */
    default boolean[][] truths() {
        boolean[][] truths = new boolean[size()][];
        for (int i = 0; i < truths.length; i++) {
            truths[i] = truth(i);
        }
        return truths;
    }

    /** Every sample's class indices, without reading a tensor. */
    default List<int[]> labelLists() {
        return IntStream.range(0, size()).mapToObj(this::labels).toList();
    }

    /** Every sample's id, in order. */
    default List<String> ids() {
        return IntStream.range(0, size()).mapToObj(this::id).toList();
    }

    /** The tensors of samples {@code from} (inclusive) to {@code to} (exclusive). */
    default List<TrainingData.Sample> load(int from, int to) {
        return IntStream.range(from, to).mapToObj(this::get).toList();
    }

    /** The samples at {@code indices} of this set, in that order (nothing is read). */
    default SampleSet subset(int[] indices) {
        SampleSet all = this;
        int[] picked = indices.clone();
        for (int index : picked) {
            Objects.checkIndex(index, all.size());
        }
        return new SampleSet() {
            @Override
            public int size() {
                return picked.length;
            }

            @Override
            public String id(int index) {
                return all.id(picked[index]);
            }

            @Override
            public int[] labels(int index) {
                return all.labels(picked[index]);
            }

            @Override
            public boolean hasTrueMasks() {
                return all.hasTrueMasks();
            }

            @Override
            public TrainingData.Sample get(int index) {
                return all.get(picked[index]);
            }
        };
    }

    /** Samples already in memory. */
    static SampleSet of(List<TrainingData.Sample> samples) {
        List<TrainingData.Sample> copy = List.copyOf(samples);
        boolean masks = copy.stream().allMatch(s -> s.trueMasks() != null);
        return new SampleSet() {
            @Override
            public int size() {
                return copy.size();
            }

            @Override
            public String id(int index) {
                return copy.get(index).id();
            }

            @Override
            public int[] labels(int index) {
                return copy.get(index).labels();
            }

            @Override
            public boolean hasTrueMasks() {
                return masks;
            }

            @Override
            public TrainingData.Sample get(int index) {
                return copy.get(index);
            }
        };
    }
}
