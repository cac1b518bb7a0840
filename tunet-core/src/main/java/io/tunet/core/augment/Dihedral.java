package io.tunet.core.augment;

/**
 * The eight symmetries of a square (the dihedral group D4): four rotations by multiples of 90°, each with
 * or without a mirror. Each element maps pixel (x, y) of an S × S plane to
 * (a·x + b·y + ox, c·x + d·y + oy) for an orthogonal integer matrix [[a, b], [c, d]] about the centre, so
 * no pixel is interpolated and the transform is exactly invertible.
 */
public enum Dihedral {
    /** No change. */
    IDENTITY(1, 0, 0, 1),
    /** A quarter turn clockwise (on screen, y pointing down). */
    ROTATE_90(0, -1, 1, 0),
    /** A half turn. */
    ROTATE_180(-1, 0, 0, -1),
    /** A quarter turn anticlockwise. */
    ROTATE_270(0, 1, -1, 0),
    /** Mirror left-right. */
    FLIP_HORIZONTAL(-1, 0, 0, 1),
    /** Mirror top-bottom. */
    FLIP_VERTICAL(1, 0, 0, -1),
    /** Mirror about the main diagonal: (x, y) to (y, x). */
    TRANSPOSE(0, 1, 1, 0),
    /** Mirror about the anti-diagonal. */
    ANTI_TRANSPOSE(0, -1, -1, 0);

    private final int a;
    private final int b;
    private final int c;
    private final int d;

    Dihedral(int a, int b, int c, int d) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
    }

    /** The element that undoes this one: {@code t.then(t.inverse()) == IDENTITY}. */
    public Dihedral inverse() {
        return of(a, c, b, d); // orthogonal: the inverse is the transpose
    }

    /** The element equal to applying this one and then {@code next}. */
    public Dihedral then(Dihedral next) {
        return of(next.a * a + next.b * c, next.a * b + next.b * d, next.c * a + next.d * c, next.c * b + next.d * d);
    }

    /**
     * Applies this transform to every plane of a channel-first tensor.
     *
     * @param planes   {@code channels × size × size} values
     * @param channels number of planes
     * @param size     side of each square plane
     * @return a new array
     * @throws IllegalArgumentException if the array length is not {@code channels * size * size}
     */
    public float[] apply(float[] planes, int channels, int size) {
        Augmenter.checkTensor(planes, channels, size, "tensor");
        int n = size - 1;
        int ox = n * (1 - a - b) / 2;
        int oy = n * (1 - c - d) / 2;
        int plane = size * size;
        float[] out = new float[planes.length];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int target = (c * x + d * y + oy) * size + (a * x + b * y + ox);
                int source = y * size + x;
                for (int ch = 0; ch < channels; ch++) {
                    out[ch * plane + target] = planes[ch * plane + source];
                }
            }
        }
        return out;
    }

    private static Dihedral of(int a, int b, int c, int d) {
        for (Dihedral t : values()) {
            if (t.a == a && t.b == b && t.c == c && t.d == d) {
                return t;
            }
        }
        throw new IllegalStateException("not an element of D4: [[" + a + ", " + b + "], [" + c + ", " + d + "]]");
    }
}
