package io.tunet.imaging.hpa;

import java.util.Arrays;

/**
 * One row of an HPA {@code train.csv}: a sample id and its class indices.
 *
 * @param id     the sample id, the stem of its stain files
 * @param labels class indices (0..27), in the order of the CSV row; the array is copied
 */
public record HpaEntry(String id, int[] labels) {

    /**
     * @throws IllegalArgumentException if the id is empty or the labels are missing
     */
    public HpaEntry {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("sample id must not be empty");
        }
        if (labels == null) {
            throw new IllegalArgumentException("labels of " + id + " are required");
        }
        labels = labels.clone();
    }

    /** The class indices, a copy. */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    /** Whether the sample carries class {@code classIndex}. */
    public boolean hasLabel(int classIndex) {
        for (int label : labels) {
            if (label == classIndex) {
                return true;
            }
        }
        return false;
    }

    /** The labels as a multi-hot vector of {@code numClasses} entries. */
    public boolean[] multiHot(int numClasses) {
        boolean[] hot = new boolean[numClasses];
        for (int label : labels) {
            hot[label] = true;
        }
        return hot;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HpaEntry e && e.id.equals(id) && Arrays.equals(e.labels, labels);
    }

    @Override
    public int hashCode() {
        return 31 * id.hashCode() + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "HpaEntry[id=" + id + ", labels=" + Arrays.toString(labels) + "]";
    }
}
