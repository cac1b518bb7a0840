package io.tunet.synth;

import java.util.Arrays;

/**
 * An immutable square binary mask (row-major, {@code size × size}), the true extent of one class's green
 * signal in a synthetic field.
 */
public final class BinaryMask {

    private final int size;
    private final byte[] bits;
    private final int area;

    /**
     * Wraps {@code bits} (row-major, non-zero = inside) without copying; the caller must not change it later.
     */
    static BinaryMask wrap(int size, byte[] bits) {
        return new BinaryMask(size, bits);
    }

    private BinaryMask(int size, byte[] bits) {
        if (bits.length != size * size) {
            throw new IllegalArgumentException("mask of size " + size + " needs " + size * size + " pixels, got " + bits.length);
        }
        this.size = size;
        this.bits = bits;
        int n = 0;
        for (byte b : bits) {
            if (b != 0) {
                n++;
            }
        }
        this.area = n;
    }

    /**
     * A mask from a gray raster, inside where the value is non-zero (as in the layout's 0/255 mask PNGs).
     *
     * @throws IllegalArgumentException if {@code values.length != size * size}
     */
    public static BinaryMask fromValues(int size, int[] values) {
        if (size <= 0 || values.length != size * size) {
            throw new IllegalArgumentException("mask of size " + size + " needs " + (long) size * size + " values, got " + values.length);
        }
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) (values[i] != 0 ? 1 : 0);
        }
        return new BinaryMask(size, b);
    }

    /** Width and height in pixels. */
    public int size() {
        return size;
    }

    /** Whether pixel {@code (x, y)} is inside. */
    public boolean contains(int x, int y) {
        if (x < 0 || y < 0 || x >= size || y >= size) {
            throw new IndexOutOfBoundsException("pixel (" + x + ", " + y + ") is outside a " + size + "² mask");
        }
        return bits[y * size + x] != 0;
    }

    /** Whether the row-major pixel {@code index} is inside. */
    public boolean contains(int index) {
        return bits[index] != 0;
    }

    /** Number of pixels inside. */
    public int area() {
        return area;
    }

    /** The mask as 8-bit gray values, 255 inside and 0 outside (the layout's mask PNG form). */
    public byte[] toGray255() {
        byte[] out = new byte[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = bits[i] != 0 ? (byte) 255 : 0;
        }
        return out;
    }

    /** The mask as an 8-bit grayscale PNG, 255 inside and 0 outside (the layout's {@code masks/} files). */
    public byte[] png() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(size, size, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(toGray255(), 0, data, 0, data.length);
        return PngEncoder.encode(img, "mask");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryMask m && m.size == size && Arrays.equals(m.bits, bits);
    }

    @Override
    public int hashCode() {
        return 31 * size + Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return "BinaryMask[" + size + "², area " + area + "]";
    }
}
