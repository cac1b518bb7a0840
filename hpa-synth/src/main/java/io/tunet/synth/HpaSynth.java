package io.tunet.synth;

import io.tunet.schemas.HpaClasses;
import io.tunet.synth.labels.LabelSampler;
import io.tunet.synth.labels.LabelSetTable;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * HPA-Synth: generates HPA-like four-stain fields with known labels and true per-class masks.
 *
 * <pre>{@code
 * HpaSynth synth = HpaSynth.builder().size(128).build();
 * SynthField f = synth.generate(1, 0);          // same (seed, index) -> same field, on any thread
 * float[] green = f.stain(Stain.GREEN);
 * BinaryMask nucleoli = f.mask(2);              // if 2 is among f.labels()
 * }</pre>
 *
 * <p>A field is a pure function of the configuration and (seed, index): label set, layout, patterns and
 * noise each come from their own random stream derived from both, so fields can be generated in any
 * order and in parallel. The label set of (seed, index) does not depend on the size, so the same index
 * at 128² and 512² carries the same labels. Instances are immutable and thread-safe.
 *
 * <p>Scale: a field covers the same share of cells at every size. By default a 512² field holds a median
 * of 18 cells (8..51) with nuclei of about 1,460 px, like real HPA fields resampled to 512²; the median
 * count grows linearly with the size (5 at 128², 72 at 2048²) and cells grow with its square root.
 * {@link Builder#cellsPerField(int)} sets the median count instead, and cell size follows from it.
 */
public final class HpaSynth {

    /**
     * Version of the generator's output. A change that alters any pixel or mask of any (seed, index) must
     * bump it (and re-run the benchmarks built on it): HPA-Synth v1 is defined by version 1.
     */
    public static final int VERSION = 1;

    /** The smallest and largest supported field sizes. */
    public static final int MIN_SIZE = 64;
    public static final int MAX_SIZE = 3072;
    /** Median cell count of a 512² field; the real HPA fields resampled to 512² hold 8..51, median 18. */
    static final int REFERENCE_CELLS = 18;
    private static final long LABEL_STREAM = 0x4C4142454CL;
    private static final long SCENE_STREAM = 0x5343454E45L;
    private static final long NOISE_STREAM = 0x4E4F495345L;

    private final int size;
    private final int cellsPerField;
    private final float k;
    private final int bitDepth;
    private final Optics optics;
    private final LabelMode labelMode;
    private final LabelSampler sampler;
    private final float[] blurKernel;
    /** Per stain, {@link Imaging.Exposure#darkPixels}: fixed by the optics and bit depth. */
    private final float[][] darkPixels = new float[4][];

    private HpaSynth(Builder b) {
        this(b.size, b.cellsPerField > 0 ? b.cellsPerField : Math.max(2, Math.round(REFERENCE_CELLS * b.size / 512f)),
                b.bitDepth, b.optics, new LabelSampler(b.table != null ? b.table : LabelSetTable.bundled(), b.labelMode));
    }

    private HpaSynth(int size, int cellsPerField, int bitDepth, Optics optics, LabelSampler sampler) {
        this.size = size;
        this.cellsPerField = cellsPerField;
        // Cells keep the same total share of the field: fewer cells means bigger cells.
        this.k = (float) (size / 512.0 * Math.sqrt((double) REFERENCE_CELLS / cellsPerField));
        this.bitDepth = bitDepth;
        this.optics = optics;
        this.labelMode = sampler.mode();
        this.sampler = sampler;
        this.blurKernel = Imaging.kernel(optics.blurSigma() * k);
        for (int s = 0; s < 4; s++) {
            darkPixels[s] = Imaging.Exposure.darkPixels((float) optics.background()[s], optics.photonsAtFullScale(),
                    optics.readNoise(), levels());
        }
    }

    private int levels() {
        return (1 << bitDepth) - 1;
    }

    /** A builder with the defaults: 512², 8-bit, default optics, real label frequencies. */
    public static Builder builder() {
        return new Builder();
    }

    /** Field width and height in pixels. */
    public int size() {
        return size;
    }

    /** Median number of cells per field. */
    public int cellsPerField() {
        return cellsPerField;
    }

    public int bitDepth() {
        return bitDepth;
    }

    public Optics optics() {
        return optics;
    }

    public LabelMode labelMode() {
        return labelMode;
    }

    /**
     * This generator with other optics: the same size, cells per field, bit depth, label mode and label table, so
     * field (seed, index) has the same labels and scene and differs only in blur, exposure and noise.
     *
     * @throws IllegalArgumentException if {@code optics} is null
     */
    public HpaSynth withOptics(Optics optics) {
        if (optics == null) {
            throw new IllegalArgumentException("optics must not be null");
        }
        return new HpaSynth(size, cellsPerField, bitDepth, optics, sampler);
    }

    /** The sample id of field (seed, index): {@code synth-<seed>-<index>}, index zero-padded to 6 digits. */
    public static String id(long seed, long index) {
        return String.format("synth-%d-%06d", seed, index);
    }

    /** The label set that {@link #generate(long, long)} gives field (seed, index), without drawing it. */
    public int[] labels(long seed, long index) {
        return sampler.sample(stream(seed, index, LABEL_STREAM));
    }

    /** Generates field (seed, index) with a label set drawn by this generator's {@link LabelMode}. */
    public SynthField generate(long seed, long index) {
        return render(seed, index, labels(seed, index), StageClock.OFF).field;
    }

    /** The stages of generating a field, in order, as timed by {@link #generateTimed}. */
    public enum Stage {
        /** Label set, cell count, placement and shape of the cells. */
        LAYOUT,
        /** Which pixel belongs to which cell and nucleus, cell boxes, outlines. */
        RASTERISE,
        /** Centrosomes, nucleoli, microtubules, spindles, bridges. */
        TRACE,
        /** The red, blue and yellow stains. */
        LANDMARKS,
        /** The green patterns with their true masks, and the haze. */
        PATTERNS,
        /** Point-spread blur of the four stains. */
        BLUR,
        /** Gain, background, Poisson-Gaussian noise, clipping and quantisation. */
        NOISE
    }

    /**
     * {@link #generate(long, long)} (the same field), also adding the CPU nanoseconds this thread spent in each
     * {@link Stage} to {@code stageNanos[stage.ordinal()]}: for benchmarks.
     *
     * @throws IllegalArgumentException if {@code stageNanos} does not have one slot per stage
     */
    public SynthField generateTimed(long seed, long index, long[] stageNanos) {
        if (stageNanos == null || stageNanos.length != Stage.values().length) {
            throw new IllegalArgumentException("stageNanos needs one slot per stage (" + Stage.values().length + ")");
        }
        StageClock clock = StageClock.into(stageNanos);
        return render(seed, index, labels(seed, index), clock).field;
    }

    /**
     * Generates field (seed, index) with the given label set (e.g. one class for a contact sheet).
     *
     * @throws IllegalArgumentException if the set is empty or holds an index outside 0..27
     */
    public SynthField generate(long seed, long index, int... labels) {
        return render(seed, index, checkLabels(labels), StageClock.OFF).field;
    }

    private static int[] checkLabels(int[] labels) {
        if (labels == null || labels.length == 0) {
            throw new IllegalArgumentException("a field needs at least one label");
        }
        for (int c : labels) {
            HpaClasses.requireValid(c);
        }
        return Arrays.stream(labels).sorted().distinct().toArray();
    }

    /** A field together with the scene it was drawn from (for tests of where patterns lie). */
    record Rendered(SynthField field, Scene scene) {
    }

    Rendered render(long seed, long index, int[] labels) {
        return render(seed, index, labels, StageClock.OFF);
    }

    private Rendered render(long seed, long index, int[] labels, StageClock clock) {
        SplittableRandom sceneRandom = stream(seed, index, SCENE_STREAM);
        double u = sceneRandom.nextGaussian();
        int count = (int) Math.round(cellsPerField * StrictMath.exp(0.42 * u));
        count = Math.max(Math.max(1, (int) Math.ceil(cellsPerField * 0.45)), Math.min((int) Math.ceil(cellsPerField * 2.8), count));
        Scene scene = Scene.build(size, k, count, labels, sceneRandom, clock);

        int n = size * size;
        float[][] stains = new float[4][n];
        Landmarks.drawRed(scene, stains[Stain.RED.ordinal()]);
        Landmarks.drawBlue(scene, stains[Stain.BLUE.ordinal()]);
        Landmarks.drawYellow(scene, stains[Stain.YELLOW.ordinal()]);
        clock.lap(Stage.LANDMARKS);

        float[] green = stains[Stain.GREEN.ordinal()];
        Map<Integer, BinaryMask> masks = new LinkedHashMap<>();
        Patterns patterns = new Patterns(scene, sceneRandom);
        float[] layer = new float[n];
        for (int c : labels) {
            Arrays.fill(layer, 0);
            patterns.draw(c, layer);
            byte[] bits = new byte[n];
            for (int p = 0; p < n; p++) {
                float v = layer[p];
                if (v > Patterns.MASK_LEVEL) {
                    bits[p] = 1;
                    green[p] = Math.min(1.2f, green[p] + v);
                }
            }
            masks.put(c, BinaryMask.wrap(size, bits));
        }
        Patterns.haze(scene, green, sceneRandom);
        clock.lap(Stage.PATTERNS);

        SplittableRandom noiseRandom = stream(seed, index, NOISE_STREAM);
        double[] gain = optics.gain();
        double[] background = optics.background();
        float[][] rows = blurKernel == null ? null : new float[size][size];
        for (int s = 0; s < 4; s++) {
            if (blurKernel != null) {
                Imaging.blur(stains[s], size, blurKernel, rows);
            }
            clock.lap(Stage.BLUR);
            float jitter = (float) (1 + optics.gainJitter() * (2 * noiseRandom.nextDouble() - 1));
            Imaging.Exposure exposure = new Imaging.Exposure((float) gain[s] * jitter, (float) background[s],
                    optics.photonsAtFullScale(), optics.readNoise(), levels(), darkPixels[s], noiseRandom);
            for (int y = 0; y < size; y++) {
                exposure.apply(stains[s], y * size, size);
            }
            clock.lap(Stage.NOISE);
        }
        return new Rendered(new SynthField(id(seed, index), size, bitDepth, labels, stains, masks), scene);
    }

    private static SplittableRandom stream(long seed, long index, long purpose) {
        long h = Textures.mix(seed ^ 0x243F6A8885A308D3L);
        h = Textures.mix(h ^ index);
        return new SplittableRandom(Textures.mix(h ^ purpose));
    }

    /** Configures a generator; every setter validates its argument and names the problem. */
    public static final class Builder {
        private int size = 512;
        private int cellsPerField;
        private int bitDepth = 8;
        private Optics optics = Optics.defaults();
        private LabelMode labelMode = LabelMode.REAL_FREQUENCIES;
        private LabelSetTable table;

        private Builder() {
        }

        /** Field width and height in pixels, 64..3072 (default 512). */
        public Builder size(int size) {
            if (size < MIN_SIZE || size > MAX_SIZE) {
                throw new IllegalArgumentException("size must be in " + MIN_SIZE + ".." + MAX_SIZE + ", got " + size);
            }
            this.size = size;
            return this;
        }

        /**
         * Median number of cells per field (per-field counts vary from 0.45× to 2.8× of it); cell size
         * follows so that cells cover the same share of the field. Default: 18 × size / 512, at least 2.
         */
        public Builder cellsPerField(int cells) {
            if (cells < 1 || cells > 500) {
                throw new IllegalArgumentException("cellsPerField must be in 1..500, got " + cells);
            }
            this.cellsPerField = cells;
            return this;
        }

        /** 8 or 16 bits per pixel. */
        public Builder bitDepth(int bits) {
            if (bits != 8 && bits != 16) {
                throw new IllegalArgumentException("bit depth must be 8 or 16, got " + bits);
            }
            this.bitDepth = bits;
            return this;
        }

        public Builder optics(Optics optics) {
            if (optics == null) {
                throw new IllegalArgumentException("optics must not be null");
            }
            this.optics = optics;
            return this;
        }

        public Builder labelMode(LabelMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("label mode must not be null");
            }
            this.labelMode = mode;
            return this;
        }

        /** The label-set table to draw from; the bundled HPA table by default. */
        public Builder labelTable(LabelSetTable table) {
            if (table == null) {
                throw new IllegalArgumentException("label table must not be null");
            }
            this.table = table;
            return this;
        }

        public HpaSynth build() {
            // Below about a fifth of the reference magnification a nucleus is a few pixels and no pattern is visible.
            double maxCells = REFERENCE_CELLS * StrictMath.pow(size / 512.0 / 0.2, 2);
            if (cellsPerField > maxCells) {
                throw new IllegalArgumentException(cellsPerField + " cells per field are too many for a " + size
                        + "² field (at most " + (int) maxCells + ")");
            }
            return new HpaSynth(this);
        }
    }
}
