package io.tunet.synth;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagingTest {

    @Test
    void blurShouldEqualTheDirectTwoDimensionalConvolution() {
        int n = 40;
        float[] k = Imaging.kernel(1.3);
        int rad = k.length / 2;
        float[] img = new float[n * n];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 60; i++) {
            img[r.nextInt(n * n)] = (float) r.nextDouble();
        }
        float[] expected = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double acc = 0;
                for (int j = -rad; j <= rad; j++) {
                    for (int i = -rad; i <= rad; i++) {
                        int yy = Math.min(n - 1, Math.max(0, y + j)), xx = Math.min(n - 1, Math.max(0, x + i));
                        acc += k[j + rad] * k[i + rad] * img[yy * n + xx];
                    }
                }
                expected[y * n + x] = (float) acc;
            }
        }
        Imaging.blur(img, n, k, new float[n][n]);
        for (int p = 0; p < n * n; p++) {
            assertEquals(expected[p], img[p], 1e-5, "pixel " + p);
        }
    }

    @Test
    void exposureShouldAddNoiseThatGrowsWithTheSignalAndQuantise() {
        int n = 256;
        float[] dark = new float[n * n];
        float[] bright = new float[n * n];
        java.util.Arrays.fill(bright, 0.5f);
        Imaging.expose(dark, n, 1f, 0.01f, 200, 0.002, 255, new SplittableRandom(1));
        Imaging.expose(bright, n, 1f, 0.01f, 200, 0.002, 255, new SplittableRandom(1));
        double[] d = meanSd(dark), b = meanSd(bright);
        assertEquals(0.01, d[0], 0.002);
        assertEquals(0.51, b[0], 0.002);
        // Shot noise: sd = sqrt(0.51 / 200 + 0.002²) ≈ 0.0506; the dark field only has read + background noise.
        assertEquals(0.0506, b[1], 0.003);
        assertTrue(d[1] < 0.012, "dark sd " + d[1]);
        for (float v : bright) {
            assertEquals(Math.round(v * 255), v * 255, 1e-3);
        }
    }

    private static double[] meanSd(float[] v) {
        double s = 0, s2 = 0;
        for (float x : v) {
            s += x;
            s2 += x * x;
        }
        double m = s / v.length;
        return new double[] {m, Math.sqrt(s2 / v.length - m * m)};
    }
}
