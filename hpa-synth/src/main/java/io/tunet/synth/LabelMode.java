package io.tunet.synth;

/** How the generator draws a field's label set from the real HPA label distribution. */
public enum LabelMode {
    /** Label sets with their real frequencies: class frequencies and co-occurrences as in HPA {@code train.csv}. */
    REAL_FREQUENCIES,
    /** A class uniformly at random, then a real label set containing it: rare classes are oversampled. */
    BALANCED
}
