package io.tunet.synth;

import io.tunet.schemas.HpaClasses;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated field: four stains, its label set and the true mask of each labelled class. Immutable;
 * accessors return copies or read-only views.
 */
public final class SynthField {

    private final String id;
    private final int size;
    private final int bitDepth;
    private final int[] labels;
    private final float[][] stains;
    private final Map<Integer, BinaryMask> masks;

    SynthField(String id, int size, int bitDepth, int[] labels, float[][] stains, Map<Integer, BinaryMask> masks) {
        this.id = id;
        this.size = size;
        this.bitDepth = bitDepth;
        this.labels = labels.clone();
        this.stains = stains;
        this.masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
    }

    /** The sample id used for file names ({@code <id>_red.png}) and the {@code train.csv} row. */
    public String id() {
        return id;
    }

    /** Width and height in pixels. */
    public int size() {
        return size;
    }

    /** 8 or 16: the quantisation of the stains and the bit depth of {@link #image(Stain)}. */
    public int bitDepth() {
        return bitDepth;
    }

    /** The class indices of this field, sorted ascending, non-empty. */
    public int[] labels() {
        return labels.clone();
    }

    /** Whether the field carries class {@code classIndex}. */
    public boolean hasLabel(int classIndex) {
        return Arrays.binarySearch(labels, classIndex) >= 0;
    }

    /**
     * One stain as row-major intensities in 0..1 (a copy), already quantised to {@link #bitDepth()} levels,
     * so {@code stain(s)[i] * (2^bitDepth - 1)} is exactly the stored pixel value.
     */
    public float[] stain(Stain stain) {
        return stains[stain.ordinal()].clone();
    }

    /**
     * All four stains as one channel-first tensor {@code [4][size][size]} flattened (red, green, blue,
     * yellow: the model's input order), intensities 0..1.
     */
    public float[] toChannelsFirst() {
        int n = size * size;
        float[] out = new float[4 * n];
        for (int s = 0; s < 4; s++) {
            System.arraycopy(stains[s], 0, out, s * n, n);
        }
        return out;
    }

    /** Intensity of one pixel of one stain, 0..1. */
    public float value(Stain stain, int x, int y) {
        if (x < 0 || y < 0 || x >= size || y >= size) {
            throw new IndexOutOfBoundsException("pixel (" + x + ", " + y + ") is outside a " + size + "² field");
        }
        return stains[stain.ordinal()][y * size + x];
    }

    /** One stain as integer pixel values, 0..255 or 0..65535 by {@link #bitDepth()}. */
    public int[] raster(Stain stain) {
        float[] s = stains[stain.ordinal()];
        int max = (1 << bitDepth) - 1;
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = Math.round(s[i] * max);
        }
        return out;
    }

    /** One stain as a grayscale image: {@code TYPE_BYTE_GRAY} for 8-bit, {@code TYPE_USHORT_GRAY} for 16-bit. */
    public BufferedImage image(Stain stain) {
        float[] s = stains[stain.ordinal()];
        if (bitDepth == 8) {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < s.length; i++) {
                data[i] = (byte) Math.round(s[i] * 255);
            }
            return img;
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < s.length; i++) {
            data[i] = (short) Math.round(s[i] * 65535);
        }
        return img;
    }

    /**
     * One stain encoded as a grayscale PNG of {@link #bitDepth()} bits (what the HPA layout stores and what a
     * simulated microscope publishes).
     */
    public byte[] png(Stain stain) {
        return PngEncoder.encode(image(stain), stain + " of " + id);
    }

    /** True masks by class index, in label order; one entry per label. */
    public Map<Integer, BinaryMask> masks() {
        return masks;
    }

    /**
     * The true mask of one labelled class: where that class's green signal lies.
     *
     * @throws IllegalArgumentException if the index is not a class or not in this field's label set
     */
    public BinaryMask mask(int classIndex) {
        HpaClasses.requireValid(classIndex);
        BinaryMask m = masks.get(classIndex);
        if (m == null) {
            throw new IllegalArgumentException("field " + id + " has no label " + classIndex + " ("
                    + HpaClasses.name(classIndex) + "); its labels are " + Arrays.toString(labels));
        }
        return m;
    }

    @Override
    public String toString() {
        return "SynthField[" + id + ", " + size + "², " + bitDepth + "-bit, labels " + Arrays.toString(labels) + "]";
    }
}
