package io.tunet.core.masks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MaskPostProcessorTest {

    @Test
    void shouldBinariseStrictlyAboveTheThreshold() {
        MaskPostProcessor plain = MaskPostProcessor.builder().optOpeningRadius(0).optMinComponentArea(0).build();

        assertArrayEquals(new byte[] {0, 0, 1, 1}, plain.clean(new float[] {0.2f, 0.5f, 0.51f, 1f}, 4, 1));
    }

    @Test
    void byDefaultShouldOnlyBinariseKeepingOnePixelStructures() {
        int w = 8;
        float[] p = new float[w * w];
        for (int x = 0; x < w; x++) {
            p[3 * w + x] = 0.9f; // a filament one pixel wide
        }
        p[6 * w + 6] = 0.7f; // a vesicle of one pixel

        byte[] mask = MaskPostProcessor.defaults().clean(p, w, w);

        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i] > 0.5f ? 1 : 0, mask[i], "pixel " + i);
        }
    }

    @Test
    void shouldRemoveSpecksAndRoundSquareCornersWhenOpeningWithRadiusOne() {
        int w = 16;
        float[] p = new float[w * w];
        for (int y = 3; y < 13; y++) {
            for (int x = 3; x < 13; x++) {
                p[y * w + x] = 0.9f;
            }
        }
        p[0] = 0.9f; // a one-pixel speck in the corner
        p[15 * w + 1] = 0.9f;

        byte[] mask = MaskPostProcessor.builder().optOpeningRadius(1).build().clean(p, w, w);

        // erosion by the 3×3 cross leaves the 8×8 core; dilation restores the 10×10 square minus its corners
        int ones = 0;
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                boolean inSquare = x >= 3 && x < 13 && y >= 3 && y < 13;
                boolean corner = (x == 3 || x == 12) && (y == 3 || y == 12);
                assertEquals(inSquare && !corner ? 1 : 0, mask[y * w + x], "(" + x + ", " + y + ")");
                ones += mask[y * w + x];
            }
        }
        assertEquals(96, ones);
    }

    @Test
    void shouldRemoveComponentsBelowTheMinimumAreaCountingDiagonalNeighbours() {
        int w = 12;
        byte[] mask = new byte[w * w];
        for (int i = 0; i < 4; i++) {
            mask[i * w + i] = 1; // a diagonal line of 4 pixels: one 8-connected component
        }
        for (int y = 6; y < 10; y++) {
            for (int x = 6; x < 11; x++) {
                mask[y * w + x] = 1; // 20 pixels
            }
        }

        MaskPostProcessor keepFive = MaskPostProcessor.builder().optOpeningRadius(0).optMinComponentArea(5).build();
        MaskPostProcessor keepFour = MaskPostProcessor.builder().optOpeningRadius(0).optMinComponentArea(4).build();

        byte[] withoutLine = mask.clone();
        for (int i = 0; i < 4; i++) {
            withoutLine[i * w + i] = 0;
        }
        assertArrayEquals(withoutLine, keepFive.clean(mask, w, w));
        assertArrayEquals(mask, keepFour.clean(mask, w, w));
    }

    @Test
    void shouldKeepAnEmptyMaskEmptyAndAFullMaskFull() {
        MaskPostProcessor processor = MaskPostProcessor.builder().optOpeningRadius(2).build();
        float[] full = new float[64];
        java.util.Arrays.fill(full, 1f);

        assertArrayEquals(new byte[64], processor.clean(new float[64], 8, 8));
        byte[] ones = new byte[64];
        java.util.Arrays.fill(ones, (byte) 1);
        assertArrayEquals(ones, processor.clean(full, 8, 8));
    }

    @Test
    void shouldRejectBadConfigurationAndSizes() {
        assertThrows(IllegalArgumentException.class, () -> MaskPostProcessor.builder().optThreshold(1f).build());
        assertThrows(IllegalArgumentException.class, () -> MaskPostProcessor.builder().optOpeningRadius(-1).build());
        assertThrows(IllegalArgumentException.class, () -> MaskPostProcessor.builder().optMinComponentArea(-1).build());
        assertThrows(IllegalArgumentException.class, () -> MaskPostProcessor.defaults().clean(new float[10], 3, 3));
    }
}
