package io.tunet.core.masks;

/** How the green stain is thresholded into the protein mask (the weak segmentation label). */
public enum ThresholdMethod {
    /** Otsu's method on a 256-bin histogram over the image's own value range (the default). */
    OTSU,
    /** The image mean plus one standard deviation. */
    MEAN_PLUS_STD,
    /** A fixed value, {@link GroundTruthMasks#DEFAULT_FIXED_THRESHOLD} unless one is given. */
    FIXED
}
