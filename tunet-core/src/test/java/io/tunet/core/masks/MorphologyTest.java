package io.tunet.core.masks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MorphologyTest {

    @Test
    void shouldOpenExactlyLikeTheTextbookDefinition() {
        SplittableRandom random = new SplittableRandom(3);
        for (int radius = 1; radius <= 3; radius++) {
            for (int trial = 0; trial < 20; trial++) {
                int w = random.nextInt(1, 40);
                int h = random.nextInt(1, 40);
                byte[] mask = new byte[w * h];
                double density = random.nextDouble();
                for (int i = 0; i < mask.length; i++) {
                    mask[i] = random.nextDouble() < density ? (byte) 1 : 0;
                }

                byte[] expected = naive(naive(mask, w, h, radius, true), w, h, radius, false);

                assertArrayEquals(expected, Morphology.open(mask, w, h, radius),
                        "radius " + radius + ", " + w + "x" + h);
            }
        }
    }

    @Test
    void shouldCountComponentsWithEightConnectivity() {
        byte[] mask = {
            1, 0, 0, 1,
            0, 1, 0, 1,
            0, 0, 0, 0,
            1, 1, 0, 1};

        assertEquals(4, Morphology.removeSmallComponents(mask.clone(), 4, 4, 1));
        byte[] kept = mask.clone();
        assertEquals(3, Morphology.removeSmallComponents(kept, 4, 4, 2));
        assertEquals(0, kept[15]);
    }

    /** Pixel by pixel over the disc {dx² + dy² ≤ r²}; pixels outside the image are ignored. */
    private static byte[] naive(byte[] src, int w, int h, int radius, boolean erode) {
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean all = true;
                boolean any = false;
                for (int dy = -radius; dy <= radius; dy++) {
                    for (int dx = -radius; dx <= radius; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (dx * dx + dy * dy > radius * radius || nx < 0 || ny < 0 || nx >= w || ny >= h) {
                            continue;
                        }
                        all &= src[ny * w + nx] == 1;
                        any |= src[ny * w + nx] == 1;
                    }
                }
                out[y * w + x] = (erode ? all : any) ? (byte) 1 : 0;
            }
        }
        return out;
    }
}
