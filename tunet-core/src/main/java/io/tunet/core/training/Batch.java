package io.tunet.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunet.core.augment.Augmenter;
import io.tunet.schemas.HpaClasses;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Model inputs and targets for a few samples: images {@code [B, 4, S, S]}, class targets {@code [B, 28]}
 * and, for TUNet, the weak mask targets {@code [B, 28, S, S]} (the green mask on labelled classes). The mask
 * targets are made on the engine, as the green mask {@code [B, 1, S, S]} times the class targets {@code [B, 28,
 * 1, 1]}, so the batch itself holds one mask plane per sample, not 28.
 */
final class Batch {

    private final int count;
    private final int size;
    private final float[] images;
    private final float[] classes;
    private final float[] masks;
    private final boolean[][] truths;

    private Batch(int count, int size, float[] images, float[] classes, float[] masks, boolean[][] truths) {
        this.truths = truths;
        this.count = count;
        this.size = size;
        this.images = images;
        this.classes = classes;
        this.masks = masks;
    }

    /**
     * Builds a batch; when {@code augmenter} is given, each image and its mask get the same random
     * transform.
     */
    static Batch of(List<TrainingData.Sample> samples, int size, boolean withMasks, Augmenter augmenter,
            RandomGenerator rng) {
        int n = samples.size();
        int plane = size * size;
        int imageLength = 4 * plane;
        float[] images = new float[n * imageLength];
        float[] classes = new float[n * HpaClasses.COUNT];
        float[] masks = withMasks ? new float[n * plane] : null;
        for (int i = 0; i < n; i++) {
            TrainingData.Sample sample = samples.get(i);
            float[] image = sample.image();
            byte[] mask = sample.proteinMask();
            if (augmenter != null) {
                Augmenter.Augmented augmented = augmenter.apply(image, 4, toFloat(mask), 1, size, rng);
                image = augmented.image();
                mask = toBytes(augmented.masks());
            }
            System.arraycopy(image, 0, images, i * imageLength, imageLength);
            for (int label : sample.labels()) {
                classes[i * HpaClasses.COUNT + label] = 1;
            }
            if (withMasks) {
                for (int p = 0; p < plane; p++) {
                    masks[i * plane + p] = mask[p] != 0 ? 1f : 0f;
                }
            }
        }
        return new Batch(n, size, images, classes, masks,
                samples.stream().map(TrainingData.Sample::truth).toArray(boolean[][]::new));
    }

    int count() {
        return count;
    }

    /** Sample {@code i}'s labels as 28 booleans. */
    boolean[] truth(int i) {
        return truths[i];
    }

    NDList inputs(NDManager manager) {
        return new NDList(manager.create(images, new Shape(count, 4, size, size)));
    }

    NDList labels(NDManager manager) {
        NDArray classTargets = manager.create(classes, new Shape(count, HpaClasses.COUNT));
        if (masks == null) {
            return new NDList(classTargets);
        }
        NDArray green = manager.create(masks, new Shape(count, 1, size, size));
        return new NDList(classTargets, green.mul(classTargets.reshape(count, HpaClasses.COUNT, 1, 1)));
    }

    private static float[] toFloat(byte[] mask) {
        float[] values = new float[mask.length];
        for (int i = 0; i < mask.length; i++) {
            values[i] = mask[i];
        }
        return values;
    }

    private static byte[] toBytes(float[] mask) {
        byte[] values = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            values[i] = mask[i] > 0.5f ? (byte) 1 : 0;
        }
        return values;
    }
}
