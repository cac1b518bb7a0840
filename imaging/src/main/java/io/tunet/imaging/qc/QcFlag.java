package io.tunet.imaging.qc;

import io.tunet.imaging.Channel;

/**
 * What field QC can say is wrong with a field. A flag is a warning stored with the result, not a verdict:
 * a field with flags is still classified, and the thresholds that raise each flag are in {@link QcSettings}.
 */
public enum QcFlag {
    /** No nucleus found, or almost no nuclear foreground: nothing to classify. */
    EMPTY,
    /** The nucleus stain is blurred: its Laplacian is weak for its brightness. */
    OUT_OF_FOCUS,
    /** Some stain has too many pixels at the detector's maximum. */
    SATURATED,
    /** The microtubule stain is too dim to be a usable landmark. */
    DIM_RED,
    /** The protein stain is dim: the protein is absent, or exposure or antibody failed. */
    DIM_GREEN,
    /** The nucleus stain is too dim to be a usable landmark. */
    DIM_BLUE,
    /** The ER stain is too dim to be a usable landmark. */
    DIM_YELLOW;

    /** The {@code DIM_<stain>} flag of a stain. */
    public static QcFlag dim(Channel stain) {
        return switch (stain) {
            case RED -> DIM_RED;
            case GREEN -> DIM_GREEN;
            case BLUE -> DIM_BLUE;
            case YELLOW -> DIM_YELLOW;
        };
    }
}
