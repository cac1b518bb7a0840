package io.tunet.schemas;

import java.util.List;

/**
 * The 28 Human Protein Atlas subcellular location classes, in the index order used by the HPA label
 * files ({@code train.csv}'s {@code Target} column), by every probability vector in the contracts and by
 * the model's outputs. The order is part of the contract: never reorder, only append.
 */
public final class HpaClasses {

    /** Number of classes; the length of every probability and threshold vector. */
    public static final int COUNT = 28;

    private static final List<String> NAMES = List.of(
            "Nucleoplasm",
            "Nuclear membrane",
            "Nucleoli",
            "Nucleoli fibrillar center",
            "Nuclear speckles",
            "Nuclear bodies",
            "Endoplasmic reticulum",
            "Golgi apparatus",
            "Peroxisomes",
            "Endosomes",
            "Lysosomes",
            "Intermediate filaments",
            "Actin filaments",
            "Focal adhesion sites",
            "Microtubules",
            "Microtubule ends",
            "Cytokinetic bridge",
            "Mitotic spindle",
            "Microtubule organizing center",
            "Centrosome",
            "Lipid droplets",
            "Plasma membrane",
            "Cell junctions",
            "Mitochondria",
            "Aggresome",
            "Cytosol",
            "Cytoplasmic bodies",
            "Rods & rings");

    private HpaClasses() {
    }

    /** All class names, index {@code i} naming class {@code i}. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The name of one class.
     *
     * @throws IllegalArgumentException if {@code index} is outside {@code 0..27}
     */
    public static String name(int index) {
        requireValid(index);
        return NAMES.get(index);
    }

    /** Whether {@code index} is a class index ({@code 0..27}). */
    public static boolean isValid(int index) {
        return index >= 0 && index < COUNT;
    }

    /**
     * Returns {@code index} if it is a class index.
     *
     * @throws IllegalArgumentException naming the bad value otherwise
     */
    public static int requireValid(int index) {
        if (!isValid(index)) {
            throw new IllegalArgumentException("class index " + index + " is outside 0.." + (COUNT - 1));
        }
        return index;
    }
}
