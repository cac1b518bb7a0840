package io.tunet.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DihedralTest {

    /** A 3×3 plane with no symmetry, values 0..8, plus a second channel to check planes move together. */
    private static final float[] PLANES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18};

    @Test
    void shouldRotateAQuarterTurnClockwise() {
        // 0 1       2 0
        // 2 3  ->   3 1
        assertArrayEquals(new float[] {2, 0, 3, 1}, Dihedral.ROTATE_90.apply(new float[] {0, 1, 2, 3}, 1, 2));
        assertArrayEquals(new float[] {1, 0, 3, 2}, Dihedral.FLIP_HORIZONTAL.apply(new float[] {0, 1, 2, 3}, 1, 2));
        assertArrayEquals(new float[] {0, 2, 1, 3}, Dihedral.TRANSPOSE.apply(new float[] {0, 1, 2, 3}, 1, 2));
    }

    @Test
    void shouldGiveEightDistinctImages() {
        Set<List<Float>> images = new HashSet<>();
        for (Dihedral t : Dihedral.values()) {
            images.add(asList(t.apply(PLANES, 2, 3)));
        }

        assertEquals(8, images.size());
    }

    @Test
    void shouldBeUndoneByItsInverse() {
        for (Dihedral t : Dihedral.values()) {
            assertEquals(Dihedral.IDENTITY, t.then(t.inverse()), t.name());
            assertArrayEquals(PLANES, t.inverse().apply(t.apply(PLANES, 2, 3), 2, 3), t.name());
        }
    }

    @Test
    void shouldComposeLikeApplyingInTurn() {
        for (Dihedral first : Dihedral.values()) {
            for (Dihedral second : Dihedral.values()) {
                float[] inTurn = second.apply(first.apply(PLANES, 2, 3), 2, 3);
                assertArrayEquals(inTurn, first.then(second).apply(PLANES, 2, 3), first + " then " + second);
            }
        }
        assertEquals(Dihedral.ROTATE_180, Dihedral.ROTATE_90.then(Dihedral.ROTATE_90));
    }

    @Test
    void shouldAgreeWithFreeRotationByNinetyDegrees() {
        for (int size : new int[] {4, 5}) {
            float[] plane = new float[size * size];
            for (int i = 0; i < plane.length; i++) {
                plane[i] = i;
            }
            assertArrayEquals(Dihedral.ROTATE_90.apply(plane, 1, size), Rotation.nearest(plane, 1, size, 90));
            assertArrayEquals(Dihedral.ROTATE_270.apply(plane, 1, size), Rotation.bilinear(plane, 1, size, -90),
                    1e-4f);
        }
    }

    @Test
    void shouldRejectATensorOfTheWrongShape() {
        assertThrows(IllegalArgumentException.class, () -> Dihedral.ROTATE_90.apply(new float[10], 1, 3));
    }

    private static List<Float> asList(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return List.of(boxed);
    }
}
