package io.tunet.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ResizeTest {

    @Test
    void shouldAverageBlocksWhenHalving() {
        float[] src = {
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12,
            13, 14, 15, 16};

        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, Resize.area(src, 4, 4, 2, 2), 1e-6f);
    }

    @Test
    void shouldWeightPartlyCoveredPixelsByCoverage() {
        // 3 -> 2: each output covers 1.5 input pixels; the middle one is shared half and half.
        float[] out = Resize.area(new float[] {3, 6, 9}, 3, 1, 2, 1);

        assertArrayEquals(new float[] {(3 + 0.5f * 6) / 1.5f, (0.5f * 6 + 9) / 1.5f}, out, 1e-6f);
    }

    @Test
    void shouldInterpolateBilinearlyWhenUpscaling() {
        // 2 -> 4 with aligned pixel centres: outputs sit at input positions -0.25, 0.25, 0.75, 1.25 (clamped).
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, Resize.area(new float[] {0, 1}, 2, 1, 4, 1), 1e-6f);
    }

    @Test
    void shouldHandleEachAxisOnItsOwn() {
        // width shrinks 2 -> 1 (average), height grows 1 -> 2 (copy of the only row)
        assertArrayEquals(new float[] {0.5f, 0.5f}, Resize.area(new float[] {0, 1}, 2, 1, 1, 2), 1e-6f);
    }

    @Test
    void shouldKeepMeanForIntegerFactorsAndConstantsForAnyFactor() {
        GrayImage image = TestImages.pattern(96, 64);
        float[] small = Resize.area(image.pixels(), 96, 64, 24, 16);
        double mean = 0;
        for (float v : small) {
            mean += v;
        }
        assertEquals(image.mean(), mean / small.length, 1e-5);

        float[] constant = TestImages.constant(97, 61, 0.3f).pixels();
        for (float v : Resize.area(constant, 97, 61, 23, 130)) {
            assertEquals(0.3f, v, 1e-6f);
        }
    }

    @Test
    void shouldEqualExactAreaIntegrationForAnyDownscale() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        for (int trial = 0; trial < 30; trial++) {
            int w = random.nextInt(2, 40);
            int h = random.nextInt(2, 40);
            int outW = random.nextInt(1, w);
            int outH = random.nextInt(1, h);
            float[] src = new float[w * h];
            for (int i = 0; i < src.length; i++) {
                src[i] = (float) random.nextDouble();
            }

            float[] out = Resize.area(src, w, h, outW, outH);

            double sx = (double) w / outW;
            double sy = (double) h / outH;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    double sum = 0;
                    for (int y = 0; y < h; y++) {
                        double coverY = Math.max(0, Math.min(y + 1, (oy + 1) * sy) - Math.max(y, oy * sy));
                        for (int x = 0; x < w && coverY > 0; x++) {
                            double coverX = Math.max(0, Math.min(x + 1, (ox + 1) * sx) - Math.max(x, ox * sx));
                            sum += coverX * coverY * src[y * w + x];
                        }
                    }
                    assertEquals(sum / (sx * sy), out[oy * outW + ox], 1e-5, w + "x" + h + " -> " + outW + "x" + outH);
                }
            }
        }
    }

    @Test
    void shouldWriteIntoALargerTensorAtAnOffset() {
        float[] tensor = new float[10];
        Resize.area(new float[] {1, 3, 5, 7}, 2, 2, 1, 1, tensor, 6);

        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 4, 0, 0, 0}, tensor, 1e-6f);
    }

    @Test
    void shouldRejectSizesThatDoNotMatch() {
        assertThrows(IllegalArgumentException.class, () -> Resize.area(new float[5], 2, 2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Resize.area(new float[4], 2, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Resize.area(new float[4], 2, 2, 2, 2, new float[5], 2));
    }
}
