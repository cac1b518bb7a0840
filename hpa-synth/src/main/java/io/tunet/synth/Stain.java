package io.tunet.synth;

/**
 * The four stains of an HPA field. The declaration order is the channel order of every tensor in the
 * project: red (microtubules), green (protein of interest), blue (nucleus), yellow (endoplasmic reticulum).
 */
public enum Stain {
    RED("red"),
    GREEN("green"),
    BLUE("blue"),
    YELLOW("yellow");

    private final String suffix;

    Stain(String suffix) {
        this.suffix = suffix;
    }

    /** The file-name suffix of the HPA layout: {@code <Id>_<suffix>.png}. */
    public String suffix() {
        return suffix;
    }
}
