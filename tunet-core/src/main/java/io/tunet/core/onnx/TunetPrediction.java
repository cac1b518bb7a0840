package io.tunet.core.onnx;

/**
 * The model's answer for a batch of images.
 *
 * @param probabilities per image, the 28 class probabilities
 * @param masks per image, 28 mask-probability planes of {@code size × size} (class-major, row-major), or
 *     null when the model has no mask output (the ResNet34 baseline)
 * @param size side of each mask plane
 */
public record TunetPrediction(float[][] probabilities, float[][] masks, int size) {

    /** Number of images in the batch. */
    public int batchSize() {
        return probabilities.length;
    }

    /** Whether masks were produced. */
    public boolean hasMasks() {
        return masks != null;
    }
}
