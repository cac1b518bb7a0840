package io.tunet.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.core.augment.Augmenter.Augmented;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {

    private static final int SIZE = 32;

    /** An off-centre L-shaped blob: a pattern that every dihedral transform moves somewhere else. */
    private static float[] blob() {
        float[] mask = new float[SIZE * SIZE];
        for (int y = 4; y < 20; y++) {
            for (int x = 6; x < 12; x++) {
                mask[y * SIZE + x] = 1;
            }
        }
        for (int y = 14; y < 20; y++) {
            for (int x = 12; x < 24; x++) {
                mask[y * SIZE + x] = 1;
            }
        }
        return mask;
    }

    /** Image channel 1 is the mask itself, channel 0 a gradient, so alignment can be read off the image. */
    private static float[] imageWith(float[] mask) {
        float[] image = new float[2 * SIZE * SIZE];
        for (int i = 0; i < SIZE * SIZE; i++) {
            image[i] = (i % SIZE) / (float) SIZE;
            image[SIZE * SIZE + i] = mask[i];
        }
        return image;
    }

    @Test
    void shouldMoveImageAndMasksTogetherUnderDihedralTransforms() {
        Augmenter augmenter = Augmenter.builder().optRotation(0, 0).optLighting(0, 0).build();
        float[] mask = blob();
        float[] image = imageWith(mask);
        Set<List<Float>> seen = new HashSet<>();

        for (long seed = 0; seed < 64; seed++) {
            Augmented out = augmenter.apply(image, 2, mask, 1, SIZE, new SplittableRandom(seed));

            float[] imageMask = java.util.Arrays.copyOfRange(out.image(), SIZE * SIZE, 2 * SIZE * SIZE);
            assertArrayEquals(out.masks(), imageMask, "seed " + seed);
            seen.add(boxed(out.masks()));
        }
        assertEquals(8, seen.size(), "all eight dihedral transforms should occur");
    }

    @Test
    void shouldMoveEveryMaskPlaneWithTheSameTransformAndKeepEmptyPlanesEmpty() {
        Augmenter augmenter = Augmenter.builder().optRotation(0, 0).optLighting(0, 0).build();
        float[] first = blob();
        float[] third = new float[SIZE * SIZE];
        third[3 * SIZE + 29] = 1; // a single pixel near the top-right corner
        float[] masks = new float[3 * SIZE * SIZE];
        System.arraycopy(first, 0, masks, 0, SIZE * SIZE);
        System.arraycopy(third, 0, masks, 2 * SIZE * SIZE, SIZE * SIZE);

        for (long seed = 0; seed < 16; seed++) {
            Augmented out = augmenter.apply(imageWith(first), 2, masks, 3, SIZE, new SplittableRandom(seed));

            float[] plane0 = java.util.Arrays.copyOfRange(out.masks(), 0, SIZE * SIZE);
            Dihedral used = null;
            for (Dihedral t : Dihedral.values()) {
                if (java.util.Arrays.equals(t.apply(first, 1, SIZE), plane0)) {
                    used = t;
                }
            }
            assertTrue(used != null, "plane 0 is not a dihedral image of the input");
            assertArrayEquals(new float[SIZE * SIZE], java.util.Arrays.copyOfRange(out.masks(), SIZE * SIZE,
                    2 * SIZE * SIZE));
            assertArrayEquals(used.apply(third, 1, SIZE), java.util.Arrays.copyOfRange(out.masks(), 2 * SIZE * SIZE,
                    3 * SIZE * SIZE), "seed " + seed);
        }
    }

    @Test
    void shouldKeepMasksBinaryAndAlignedUnderFreeRotation() {
        Augmenter augmenter = Augmenter.builder().optDihedral(false).optRotation(1, 45).optLighting(0, 0).build();
        float[] mask = blob();
        float[] image = imageWith(mask);

        for (long seed = 0; seed < 20; seed++) {
            Augmented out = augmenter.apply(image, 2, mask, 1, SIZE, new SplittableRandom(seed));

            int agree = 0;
            int union = 0;
            for (int i = 0; i < SIZE * SIZE; i++) {
                float m = out.masks()[i];
                assertTrue(m == 0f || m == 1f, "mask value " + m);
                boolean inImage = out.image()[SIZE * SIZE + i] > 0.5f;
                boolean inMask = m == 1f;
                agree += inImage && inMask ? 1 : 0;
                union += inImage || inMask ? 1 : 0;
            }
            assertTrue(agree > 0.9 * union, "seed " + seed + ": IoU " + (double) agree / union);
            assertTrue(!java.util.Arrays.equals(mask, out.masks()), "a rotation should move the mask");
        }
    }

    @Test
    void shouldJitterLightingOnTheImageOnly() {
        Augmenter augmenter = Augmenter.builder().optDihedral(false).optRotation(0, 0).optLighting(0.1, 0.5).build();
        float[] mask = blob();
        float[] image = imageWith(mask);

        Augmented out = augmenter.apply(image, 2, mask, 1, SIZE, new SplittableRandom(3));

        assertArrayEquals(mask, out.masks());
        // each channel is an affine map of the input, clamped to 0..1: gradient stays monotone, values in range
        for (int i = 0; i < out.image().length; i++) {
            assertTrue(out.image()[i] >= 0f && out.image()[i] <= 1f);
        }
        assertTrue(out.image()[SIZE - 1] >= out.image()[0]);
        assertTrue(!java.util.Arrays.equals(image, out.image()), "lighting should change the image");
    }

    @Test
    void shouldBeReproducibleAndLeaveInputsAlone() {
        Augmenter augmenter = Augmenter.defaults();
        float[] mask = blob();
        float[] image = imageWith(mask);
        float[] imageCopy = image.clone();
        float[] maskCopy = mask.clone();

        Augmented a = augmenter.apply(image, 2, mask, 1, SIZE, new SplittableRandom(42));
        Augmented b = augmenter.apply(image, 2, mask, 1, SIZE, new SplittableRandom(42));

        assertArrayEquals(a.image(), b.image());
        assertArrayEquals(a.masks(), b.masks());
        assertArrayEquals(imageCopy, image);
        assertArrayEquals(maskCopy, mask);
        Augmented identity = Augmenter.builder().optDihedral(false).optRotation(0, 0).optLighting(0, 0).build()
                .apply(image, 2, mask, 1, SIZE, new SplittableRandom(1));
        assertNotSame(image, identity.image());
        assertNotSame(mask, identity.masks());
    }

    @Test
    void shouldRejectArraysThatDoNotMatchTheirShape() {
        Augmenter augmenter = Augmenter.defaults();
        SplittableRandom rng = new SplittableRandom(1);

        assertThrows(IllegalArgumentException.class, () -> augmenter.apply(new float[10], 4, new float[0], 0, 2, rng));
        assertThrows(IllegalArgumentException.class,
                () -> augmenter.apply(new float[16], 4, new float[7], 2, 2, rng));
        assertThrows(IllegalArgumentException.class, () -> augmenter.apply(new float[16], 4, null, 0, 2, null));
        assertThrows(IllegalArgumentException.class, () -> Augmenter.builder().optRotation(2, 10).build());
    }

    private static List<Float> boxed(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return List.of(boxed);
    }
}
