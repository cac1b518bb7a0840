package io.tunet.core.masks;

/**
 * Run-length encoding of binary masks, as carried in the SegmentationMask contract: the mask is read
 * row-major and described by alternating run lengths, starting with a run of zeros (which is 0 when the
 * mask starts with a one). Every later run is at least 1 long; the runs add up to the mask's length.
 * Example: {@code 0 0 1 1 1 0} encodes as {@code [2, 3, 1]}; {@code 1 1 0} as {@code [0, 2, 1]}.
 */
public final class RunLength {

    private RunLength() {
    }

    /**
     * Encodes a 0/1 mask. An empty mask encodes as an empty array.
     *
     * @throws IllegalArgumentException if the mask is null or holds a value other than 0 or 1
     */
    public static int[] encode(byte[] mask) {
        if (mask == null) {
            throw new IllegalArgumentException("mask is required");
        }
        if (mask.length == 0) {
            return new int[0];
        }
        int runs = 1;
        byte current = 0;
        for (int i = 0; i < mask.length; i++) {
            byte v = mask[i];
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("mask value at index " + i + " is " + v + ", not 0 or 1");
            }
            if (v != current) {
                runs++;
                current = v;
            }
        }
        int[] lengths = new int[runs];
        int run = 0;
        current = 0;
        for (byte v : mask) {
            if (v != current) {
                run++;
                current = v;
            }
            lengths[run]++;
        }
        return lengths;
    }

    /**
     * Decodes runs back into a 0/1 mask of {@code length} pixels.
     *
     * @throws IllegalArgumentException naming the problem if a run is negative, a run after the first is 0,
     *                                  or the runs do not add up to {@code length}
     */
    public static byte[] decode(int[] runs, int length) {
        if (runs == null) {
            throw new IllegalArgumentException("runs are required");
        }
        if (length < 0) {
            throw new IllegalArgumentException("mask length must not be negative, got " + length);
        }
        long total = 0;
        for (int i = 0; i < runs.length; i++) {
            if (runs[i] < 0) {
                throw new IllegalArgumentException("run " + i + " has negative length " + runs[i]);
            }
            if (runs[i] == 0 && i > 0) {
                throw new IllegalArgumentException("run " + i + " is empty; only the first run (zeros) may be 0");
            }
            total += runs[i];
        }
        if (total != length) {
            throw new IllegalArgumentException("runs cover " + total + " pixels but the mask has " + length);
        }
        byte[] mask = new byte[length];
        int position = 0;
        for (int i = 0; i < runs.length; i++) {
            if (i % 2 == 1) {
                java.util.Arrays.fill(mask, position, position + runs[i], (byte) 1);
            }
            position += runs[i];
        }
        return mask;
    }
}
