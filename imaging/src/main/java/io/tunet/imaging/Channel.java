package io.tunet.imaging;

/**
 * The four stains of a field, in tensor channel order: channel {@code ordinal()} of every model input is
 * this stain. The order is part of the contract between training and serving: never reorder.
 */
public enum Channel {
    /** Microtubules (landmark). */
    RED("red"),
    /** The protein of interest: the stain the labels describe. */
    GREEN("green"),
    /** Nucleus (landmark). */
    BLUE("blue"),
    /** Endoplasmic reticulum (landmark). */
    YELLOW("yellow");

    private final String fileSuffix;

    Channel(String fileSuffix) {
        this.fileSuffix = fileSuffix;
    }

    /** The suffix of this stain's file in the HPA layout: {@code <Id>_<suffix>.png}, e.g. {@code "red"}. */
    public String fileSuffix() {
        return fileSuffix;
    }
}
