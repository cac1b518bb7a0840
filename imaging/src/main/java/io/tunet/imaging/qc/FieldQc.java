package io.tunet.imaging.qc;

import io.tunet.imaging.Channel;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageHeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Field QC: cheap figures that say whether a four-stain field is worth classifying, and flags where it is not
 * (issue #19). A pure function of the decoded stains; thread-safe. The imaging README, section "Field QC", has
 * the calibration behind every threshold and the measured cost.
 *
 * <p>Per stain ({@link StainStats}): the fraction of pixels at the bit depth's maximum, over every stored pixel
 * (a resized copy would average saturated pixels away), and the 1st, 50th, 99th and 99.9th percentiles, exact at
 * the bit depth, over a regular grid of at most about {@value #PERCENTILE_GRID}² stored pixels (every pixel up to
 * that size, every 2nd row and column up to 512², every 8th at 2048², every 12th at 3072²).
 *
 * <p>On the nucleus (blue) stain, area-averaged ({@link io.tunet.imaging.Resize#area}) to {@value #WORKING_SIZE} pixels on its
 * longer side, so that the figures do not depend on the file's pixel count (a 512², a 2048² and a 3072²
 * acquisition of a scene read alike; averaging also removes most of the shot noise). A stain smaller than that is
 * used at its own size, never enlarged: interpolation would add blur of its own.
 * <ul>
 *   <li>Nuclear foreground: pixels above {@code max(Otsu threshold, median + minNucleusContrast)}; the floor
 *       keeps Otsu, which always splits a histogram somewhere, from calling the noise of an empty field
 *       "foreground".</li>
 *   <li>Nuclei: 4-connected foreground components of at least {@code minNucleusArea} pixels (given at
 *       {@value #WORKING_SIZE}², scaled with the working area). Touching nuclei count once, so this is a lower
 *       bound, meant to tell an empty field from a populated one, not to count cells.</li>
 *   <li>Focus: the variance of the Laplacian of the stain smoothed by a Gaussian of σ = 1 working pixel,
 *       divided by the same at σ = 2. Blur lowers the first more than the second, so the ratio falls as the
 *       field blurs (about 7–9 for sharp fields, 4.5 at a point-spread σ of 1 working pixel, 3 at 1.5),
 *       whatever the brightness and the number of nuclei. The plain variance of the Laplacian
 *       ({@link QcReport#laplacianVariance()}) is reported too but drives no flag: it scales with brightness
 *       squared and, on a field with shot noise, measures the noise as much as the focus.</li>
 * </ul>
 *
 * <p>Flags, each with its threshold in {@link QcSettings} and raised independently of the others:
 * {@link QcFlag#EMPTY} when fewer than {@code minNuclei} nuclei are found or less than
 * {@code minForegroundFraction} of the field is nuclear foreground; {@link QcFlag#OUT_OF_FOCUS} when focus is below
 * {@code minFocus} and the field is not empty (an empty field has nothing to be in focus);
 * {@link QcFlag#SATURATED} when any stain's saturated fraction exceeds {@code maxSaturatedFraction};
 * {@code DIM_<stain>} when the stain's 99.9th percentile is below {@code minP999}.
 */
public final class FieldQc {

    /**
     * The longer side, in pixels, at which the nucleus stain is analysed; the thresholds are calibrated there. Half
     * the paper's 512 input: blur that matters at 512² still shows, and the analysis costs a quarter as much.
     */
    public static final int WORKING_SIZE = 256;
    /** A stain's percentiles are taken over a grid of at most about this many pixels squared. */
    public static final int PERCENTILE_GRID = 256;
    /** Bins of the working image's histogram (Otsu threshold, median), spanning 0..its maximum. */
    private static final int WORKING_BINS = 1024;
    /** The two scales of the focus ratio, in working pixels. */
    private static final double FINE_SIGMA = 1;
    private static final double COARSE_SIGMA = 2;

    private FieldQc() {
    }

    /** {@link #measure(GrayImage, GrayImage, GrayImage, GrayImage, QcSettings)} with {@link QcSettings#defaults()}. */
    public static QcReport measure(GrayImage red, GrayImage green, GrayImage blue, GrayImage yellow) {
        return measure(red, green, blue, yellow, QcSettings.defaults());
    }

    /**
     * Measures one field and raises the flags the settings call for.
     *
     * @param red    the microtubule stain
     * @param green  the protein stain
     * @param blue   the nucleus stain
     * @param yellow the ER stain
     * @throws IllegalArgumentException if a stain or the settings are missing, the stains differ in size, or a
     *                                  stain's bit depth is not 1..16
     */
    public static QcReport measure(GrayImage red, GrayImage green, GrayImage blue, GrayImage yellow,
                                   QcSettings settings) {
        GrayImage[] stains = {red, green, blue, yellow};
        requirePresent(stains);
        StainQc[] measured = new StainQc[stains.length];
        for (Channel channel : Channel.values()) {
            measured[channel.ordinal()] = stainQc(channel, stains[channel.ordinal()]);
        }
        return measure(measured[0], measured[1], measured[2], measured[3], settings);
    }

    /**
     * Measures one field from the figures gathered while its stains were decoded (see {@link StainQc}); the same
     * report as {@link #measure(GrayImage, GrayImage, GrayImage, GrayImage, QcSettings)} of the decoded stains.
     *
     * @throws IllegalArgumentException if a stain or the settings are missing, a stain is given for another
     *                                  channel or was not seen whole, or the stains differ in size
     */
    public static QcReport measure(StainQc red, StainQc green, StainQc blue, StainQc yellow, QcSettings settings) {
        StainQc[] stains = {red, green, blue, yellow};
        check(stains, settings);

        List<StainStats> stats = new ArrayList<>(stains.length);
        for (StainQc stain : stains) {
            stats.add(stain.stats());
        }

        float[] work = blue.working();
        int workW = blue.workW();
        int workH = blue.workH();

        Histogram hist = Histogram.of(work);
        double threshold = Math.max(hist.otsu(), hist.quantile(0.5) + settings.minNucleusContrast());
        int minArea = Math.max(1, (int) Math.round(settings.minNucleusArea() * ((double) workW * workH)
                / ((double) WORKING_SIZE * WORKING_SIZE)));
        int[] foregroundAndNuclei = nuclei(work, workW, (float) threshold, minArea);
        double foreground = (double) foregroundAndNuclei[0] / work.length;
        int nuclei = foregroundAndNuclei[1];

        double laplacianVariance = laplacianVariance(work, workW, workH);
        double fine = laplacianVariance(gaussian(work, workW, workH, FINE_SIGMA), workW, workH);
        double coarse = laplacianVariance(gaussian(work, workW, workH, COARSE_SIGMA), workW, workH);
        double focus = coarse > 0 ? fine / coarse : 0;

        Set<QcFlag> flags = EnumSet.noneOf(QcFlag.class);
        boolean empty = nuclei < settings.minNuclei() || foreground < settings.minForegroundFraction();
        if (empty) {
            flags.add(QcFlag.EMPTY);
        }
        if (!empty && focus < settings.minFocus()) {
            flags.add(QcFlag.OUT_OF_FOCUS);
        }
        for (Channel channel : Channel.values()) {
            StainStats s = stats.get(channel.ordinal());
            if (s.saturatedFraction() > settings.maxSaturatedFraction()) {
                flags.add(QcFlag.SATURATED);
            }
            if (s.p999() < settings.minP999()) {
                flags.add(QcFlag.dim(channel));
            }
        }
        return new QcReport(focus, laplacianVariance, foreground, nuclei, stats, flags);
    }

    private static StainQc stainQc(Channel channel, GrayImage stain) {
        StainQc qc = new StainQc(channel);
        qc.begin(new ImageHeader(null, stain.width(), stain.height(), stain.bitDepth()));
        for (int y = 0; y < stain.height(); y++) {
            qc.accept(stain.pixels(), y * stain.width());
        }
        return qc;
    }

    /**
     * The stains are there; bit depth, equal sizes and settings are checked, with the same messages, by {@link
     * StainQc#begin} and {@link #check(StainQc[], QcSettings)} on the figures gathered from them.
     */
    private static void requirePresent(GrayImage[] stains) {
        Channel[] channels = Channel.values();
        for (int c = 0; c < stains.length; c++) {
            if (stains[c] == null) {
                throw new IllegalArgumentException("field QC needs all four stains: the " + channels[c].fileSuffix()
                        + " stain is missing");
            }
        }
    }

    private static void check(StainQc[] stains, QcSettings settings) {
        Channel[] channels = Channel.values();
        for (int c = 0; c < stains.length; c++) {
            if (stains[c] == null) {
                throw new IllegalArgumentException("field QC needs all four stains: the " + channels[c].fileSuffix()
                        + " stain is missing");
            }
            if (stains[c].channel() != channels[c]) {
                throw new IllegalArgumentException("the " + channels[c].fileSuffix() + " stain's place holds the "
                        + stains[c].channel().fileSuffix() + " stain's figures");
            }
            if (!stains[c].complete()) {
                throw new IllegalArgumentException("the " + channels[c].fileSuffix() + " stain was not seen whole");
            }
        }
        ImageHeader red = stains[0].header();
        for (int c = 1; c < stains.length; c++) {
            ImageHeader other = stains[c].header();
            if (other.width() != red.width() || other.height() != red.height()) {
                throw new IllegalArgumentException("the " + channels[c].fileSuffix() + " stain is " + other.width()
                        + "x" + other.height() + " but the red stain is " + red.width() + "x" + red.height()
                        + ": the four stains of a field must have the same size");
            }
        }
        if (settings == null) {
            throw new IllegalArgumentException("QC settings must not be null");
        }
    }

    /** Saturation and percentiles of a decoded stain, as {@link StainQc#stats()} gathers them. */
    static StainStats stainStats(GrayImage stain) {
        return stainQc(Channel.RED, stain).stats();
    }

    /** The smallest level at or below which at least {@code q} of the {@code n} pixels lie. */
    static int levelAt(int[] hist, int n, double q) {
        long target = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int level = 0; level < hist.length; level++) {
            seen += hist[level];
            if (seen >= target) {
                return level;
            }
        }
        return hist.length - 1;
    }

    /**
     * Counts foreground pixels and the 4-connected foreground components of at least {@code minArea} pixels.
     *
     * @return {@code {foreground pixels, components}}
     */
    private static int[] nuclei(float[] img, int w, float threshold, int minArea) {
        boolean[] seen = new boolean[img.length];
        int[] stack = new int[256];
        int foreground = 0;
        int components = 0;
        for (int p = 0; p < img.length; p++) {
            if (img[p] <= threshold || seen[p]) {
                continue;
            }
            int area = 0;
            int top = 0;
            seen[p] = true;
            stack[top++] = p;
            while (top > 0) {
                int q = stack[--top];
                area++;
                // Each pixel is pushed once and pops before its up to four neighbours are pushed.
                if (top + 4 > stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                }
                int x = q % w;
                if (x > 0 && img[q - 1] > threshold && !seen[q - 1]) {
                    seen[q - 1] = true;
                    stack[top++] = q - 1;
                }
                if (x < w - 1 && img[q + 1] > threshold && !seen[q + 1]) {
                    seen[q + 1] = true;
                    stack[top++] = q + 1;
                }
                if (q >= w && img[q - w] > threshold && !seen[q - w]) {
                    seen[q - w] = true;
                    stack[top++] = q - w;
                }
                if (q + w < img.length && img[q + w] > threshold && !seen[q + w]) {
                    seen[q + w] = true;
                    stack[top++] = q + w;
                }
            }
            foreground += area;
            if (area >= minArea) {
                components++;
            }
        }
        return new int[] {foreground, components};
    }

    /**
     * Gaussian smoothing of a working image (separable, radius 3σ, edges repeated); a new array. Taps at equal
     * distance share one multiplication, and both passes loop over the taps outside and the pixels inside,
     * reading each source at a fixed offset: the form the JIT vectorises.
     */
    static float[] gaussian(float[] img, int w, int h, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] kernel = new float[radius + 1];
        double sum = 0;
        for (int i = 0; i <= radius; i++) {
            double v = Math.exp(-i * i / (2 * sigma * sigma));
            kernel[i] = (float) v;
            sum += i == 0 ? v : 2 * v;
        }
        for (int i = 0; i <= radius; i++) {
            kernel[i] /= (float) sum;
        }
        float[] rows = new float[img.length];
        float[] padded = new float[w + 2 * radius];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            Arrays.fill(padded, 0, radius, img[row]);
            System.arraycopy(img, row, padded, radius, w);
            Arrays.fill(padded, radius + w, padded.length, img[row + w - 1]);
            float centre = kernel[0];
            for (int x = 0; x < w; x++) {
                rows[row + x] = centre * padded[radius + x];
            }
            for (int i = 1; i <= radius; i++) {
                float weight = kernel[i];
                int left = radius - i;
                int right = radius + i;
                for (int x = 0; x < w; x++) {
                    rows[row + x] += weight * (padded[left + x] + padded[right + x]);
                }
            }
        }
        float[] out = new float[img.length];
        for (int y = 0; y < h; y++) {
            int to = y * w;
            float centre = kernel[0];
            for (int x = 0; x < w; x++) {
                out[to + x] = centre * rows[to + x];
            }
            for (int i = 1; i <= radius; i++) {
                float weight = kernel[i];
                int up = Math.max(0, y - i) * w;
                int down = Math.min(h - 1, y + i) * w;
                for (int x = 0; x < w; x++) {
                    out[to + x] += weight * (rows[up + x] + rows[down + x]);
                }
            }
        }
        return out;
    }

    /** Variance of the 4-neighbour Laplacian over the pixels that have all four neighbours; 0 if none do. */
    static double laplacianVariance(float[] img, int w, int h) {
        if (w < 3 || h < 3) {
            return 0;
        }
        double sum = 0;
        double sumSq = 0;
        for (int y = 1; y < h - 1; y++) {
            int row = y * w;
            for (int x = 1; x < w - 1; x++) {
                int p = row + x;
                double lap = img[p - 1] + img[p + 1] + img[p - w] + img[p + w] - 4.0 * img[p];
                sum += lap;
                sumSq += lap * lap;
            }
        }
        long n = (long) (w - 2) * (h - 2);
        double mean = sum / n;
        return Math.max(0, sumSq / n - mean * mean);
    }

    /** A histogram of a working image over 0..its maximum, for Otsu and quantiles. */
    private record Histogram(int[] counts, int n, double binWidth) {

        static Histogram of(float[] img) {
            float max = 0;
            for (float v : img) {
                max = Math.max(max, v);
            }
            int[] counts = new int[WORKING_BINS];
            if (max <= 0) {
                counts[0] = img.length;
                return new Histogram(counts, img.length, 0);
            }
            float toBin = WORKING_BINS / max;
            for (float v : img) {
                counts[Math.max(0, Math.min(WORKING_BINS - 1, (int) (v * toBin)))]++;
            }
            return new Histogram(counts, img.length, max / (double) WORKING_BINS);
        }

        /** The upper edge of the bin holding quantile {@code q}. */
        double quantile(double q) {
            return (levelAt(counts, n, q) + 1) * binWidth;
        }

        /** Otsu's threshold: the upper edge of the last background bin. */
        double otsu() {
            double total = 0;
            for (int i = 0; i < counts.length; i++) {
                total += (double) i * counts[i];
            }
            double sumBelow = 0;
            long below = 0;
            double best = -1;
            int threshold = 0;
            for (int t = 0; t < counts.length; t++) {
                below += counts[t];
                if (below == 0) {
                    continue;
                }
                long above = n - below;
                if (above == 0) {
                    break;
                }
                sumBelow += (double) t * counts[t];
                double meanBelow = sumBelow / below;
                double meanAbove = (total - sumBelow) / above;
                double between = (double) below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
                if (between > best) {
                    best = between;
                    threshold = t;
                }
            }
            return (threshold + 1) * binWidth;
        }
    }
}
