package io.tunet.synth;

import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.Resize;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcFlag;
import io.tunet.imaging.qc.QcReport;
import io.tunet.imaging.qc.QcSettings;
import io.tunet.imaging.qc.StainStats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * Calibrates field QC ({@code imaging}'s {@link FieldQc}) on HPA-Synth fields whose optics are known: blur,
 * per-stain exposure, cell count, bit depth and size, plus an empty field (every gain near zero: background and
 * noise only) and transforms of default fields (blur after exposure, green scaled down, clipping, blank). Then
 * the same on the real fields of {@code ../shared/data/hpa/full-size/} and their transforms. Prints, per
 * scenario, how each QC figure and each flag responds under {@link QcSettings#defaults()}, and the cost of QC
 * next to decoding; writes the table to {@code target/benchmarks/field-qc-calibration.txt}. The thresholds in
 * the imaging README ("Field QC") were chosen from this table.
 *
 * <p>It lives here and not in {@code imaging} because {@code hpa-synth} depends on {@code imaging} (tests), not
 * the other way round. Arguments: {@code fields=<per scenario>} (default 24). Run from the repository root, after
 * {@code ./mvnw -o -q -B -pl imaging -am install -DskipTests}:
 * <pre>
 * ./mvnw -o -q -B -pl hpa-synth test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test.classpath
 * java -Dhpasynth.module.dir=hpa-synth -Dtunet.shared.dir=../shared \
 *     -cp hpa-synth/target/test-classes:hpa-synth/target/classes:$(cat hpa-synth/target/test.classpath) \
 *     io.tunet.synth.FieldQcCalibration
 * </pre>
 */
public final class FieldQcCalibration {

    private static final long SEED = 19;
    private static final String[] REAL_IDS = {
        "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"};
    private static final String ROW =
            "| %-44s | %-4s | %-19s | %-8s | %-19s | %-11s | %-17s | %-23s | %-23s | %-25s |";

    private FieldQcCalibration() {
    }

    /**
     * Fields made by one generator, optionally transformed after generation.
     *
     * @param addedBlur σ of the blur the transform adds, in pixels at 512² (0 if none)
     */
    private record Scenario(String name, HpaSynth synth, int fields, UnaryOperator<GrayImage[]> transform,
                            double addedBlur) {

        Scenario(String name, HpaSynth synth, int fields, UnaryOperator<GrayImage[]> transform) {
            this(name, synth, fields, transform, 0);
        }

        /**
         * The point-spread σ in pixels of the field resampled to 512², HPA-Synth's unit: the generator scales its
         * blur with the cell size, which grows as the cells per field fall.
         */
        double psf() {
            if (synth == null) {
                return addedBlur;
            }
            double k = synth.size() / 512.0 * Math.sqrt((double) HpaSynth.REFERENCE_CELLS / synth.cellsPerField());
            double generated = synth.optics().blurSigma() * k * 512.0 / synth.size();
            return Math.sqrt(generated * generated + addedBlur * addedBlur);
        }
    }

    public static void main(String[] args) throws IOException {
        int fields = 24;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length == 2 && kv[0].equals("fields")) {
                fields = Integer.parseInt(kv[1]);
            } else {
                throw new IllegalArgumentException("unknown argument " + arg + " (expected fields=<n>)");
            }
        }
        QcSettings settings = QcSettings.defaults();
        List<String> lines = new ArrayList<>();
        lines.add("Field QC calibration, " + fields + " HPA-Synth fields per scenario (seed " + SEED + ", v"
                + HpaSynth.VERSION + "), settings " + settings);
        lines.add("PSF: the point-spread sigma in pixels of the field resampled to 512², as generated"
                + " (HPA-Synth scales its blur with the cell size, which grows as the cells per field fall), plus any"
                + " blur added after; for real fields only the added blur.");
        lines.add("Figures: median (min..max) over the fields; saturated: the largest saturated fraction of the four"
                + " stains, median (max) over the fields; p99: median; p99.9: the lowest field's; flags: share of"
                + " fields raising EMPTY / OUT_OF_FOCUS / SATURATED / DIM_RED / DIM_GREEN / DIM_BLUE / DIM_YELLOW.");
        lines.add("");
        lines.add(header());
        for (Scenario scenario : scenarios(fields)) {
            List<QcReport> reports = new ArrayList<>();
            for (int i = 0; i < scenario.fields(); i++) {
                SynthField field = scenario.synth().generate(SEED, i);
                GrayImage[] stains = scenario.transform().apply(stains(field));
                reports.add(FieldQc.measure(stains[0], stains[1], stains[2], stains[3], settings));
            }
            lines.add(row(scenario.name(), String.format(Locale.ROOT, "%.2f", scenario.psf()), reports));
            System.out.println(lines.get(lines.size() - 1));
        }

        lines.add("");
        lines.add("Real HPA fields (" + fullSizeDir() + "), one row each:");
        lines.add(header());
        List<String> timing = new ArrayList<>();
        for (String id : REAL_IDS) {
            byte[][] pngs = realPngs(id);
            GrayImage[] real = decode(pngs);
            int side = real[0].width();
            for (Scenario t : realTransforms(side)) {
                GrayImage[] stains = t.transform().apply(copy(real));
                QcReport report = FieldQc.measure(stains[0], stains[1], stains[2], stains[3], settings);
                lines.add(row(id.substring(0, 8) + " " + side + "² " + t.name(),
                        t.addedBlur() > 0 ? String.format(Locale.ROOT, "+%.0f", t.addedBlur()) : "", List.of(report)));
                System.out.println(lines.get(lines.size() - 1));
            }
            timing.add(cost("real " + side + "² (" + id.substring(0, 8) + ")", pngs, settings));
            byte[][] small = new byte[4][];
            for (int c = 0; c < 4; c++) {
                GrayImage s = real[c];
                float[] resized = Resize.area(s.pixels(), side, side, FieldQc.WORKING_SIZE, FieldQc.WORKING_SIZE);
                GrayImage at512 = new GrayImage(FieldQc.WORKING_SIZE, FieldQc.WORKING_SIZE, s.bitDepth(), resized);
                small[c] = ImageCodec.encodePng(quantised(at512, resized), s.bitDepth());
            }
            timing.add(cost("the same at 512²", small, settings));
        }
        SynthField synthetic = HpaSynth.builder().build().generate(SEED, 0);
        byte[][] syntheticPngs = new byte[4][];
        for (Stain s : Stain.values()) {
            syntheticPngs[s.ordinal()] = synthetic.png(s);
        }
        timing.add(cost("HPA-Synth 512² (noisier, so its PNGs decode slower)", syntheticPngs, settings));
        lines.add("");
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        lines.add(String.format(Locale.ROOT, "Cost (one thread; load average %.2f on %d cores):", load,
                Runtime.getRuntime().availableProcessors()));
        lines.addAll(timing);
        timing.forEach(System.out::println);

        Path out = Path.of(System.getProperty("hpasynth.module.dir", "."), "target", "benchmarks",
                "field-qc-calibration.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
        System.out.println("wrote " + out.toAbsolutePath().normalize());
    }

    private static List<Scenario> scenarios(int n) {
        UnaryOperator<GrayImage[]> none = s -> s;
        List<Scenario> list = new ArrayList<>();
        list.add(new Scenario("default (blur 0.8)", synth(512, 0, 8, Optics.defaults()), n, none));
        for (double sigma : new double[] {0, 1, 1.5, 2, 2.5, 3, 4, 6}) {
            list.add(new Scenario("blur " + sigma, synth(512, 0, 8, Optics.defaults().withBlurSigma(sigma)), n, none));
        }
        for (double g : new double[] {0.3, 0.1, 0.05, 0.02}) {
            list.add(new Scenario("green gain x" + g, synth(512, 0, 8, gains(1, g, 1, 1)), n, none));
        }
        list.add(new Scenario("all gains x0.1", synth(512, 0, 8, gains(0.1, 0.1, 0.1, 0.1)), n, none));
        list.add(new Scenario("all gains x0.1, blur 3", synth(512, 0, 8, gains(0.1, 0.1, 0.1, 0.1).withBlurSigma(3)),
                n, none));
        list.add(new Scenario("blue gain x0.05", synth(512, 0, 8, gains(1, 1, 0.05, 1)), n, none));
        for (double g : new double[] {1.5, 2, 3}) {
            list.add(new Scenario("all gains x" + g, synth(512, 0, 8, gains(g, g, g, g)), n, none));
        }
        list.add(new Scenario("empty (gains x1e-9)", synth(512, 0, 8, gains(1e-9, 1e-9, 1e-9, 1e-9)), n, none));
        for (int cells : new int[] {1, 3, 8, 40}) {
            list.add(new Scenario("cells " + cells, synth(512, cells, 8, Optics.defaults()), n, none));
        }
        list.add(new Scenario("16-bit", synth(512, 0, 16, Optics.defaults()), n, none));
        list.add(new Scenario("16-bit, blur 3", synth(512, 0, 16, Optics.defaults().withBlurSigma(3)), n, none));
        list.add(new Scenario("128²", synth(128, 0, 8, Optics.defaults()), n, none));
        list.add(new Scenario("128², blur 3", synth(128, 0, 8, Optics.defaults().withBlurSigma(3)), n, none));
        int big = Math.max(2, n / 6);
        list.add(new Scenario("2048²", synth(2048, 0, 8, Optics.defaults()), big, none));
        list.add(new Scenario("2048², blur 3", synth(2048, 0, 8, Optics.defaults().withBlurSigma(3)), big, none));
        HpaSynth standard = synth(512, 0, 8, Optics.defaults());
        for (Scenario t : realTransforms(512)) {
            if (!t.name().equals("as stored")) {
                list.add(new Scenario("default, then " + t.name(), standard, n, t.transform(), t.addedBlur()));
            }
        }
        return list;
    }

    /** The transforms the real-field test applies, with blur given in pixels at 512² and scaled to {@code side}. */
    private static List<Scenario> realTransforms(int side) {
        double scale = side / 512.0;
        return List.of(
                new Scenario("as stored", null, 1, s -> s),
                new Scenario("blurred (sigma 3 at 512)", null, 1, s -> map(s, c -> blur(c, 3 * scale)), 3),
                new Scenario("blurred (sigma 2 at 512)", null, 1, s -> map(s, c -> blur(c, 2 * scale)), 2),
                new Scenario("green x0.05", null, 1, s -> {
                    s[Channel.GREEN.ordinal()] = scaled(s[Channel.GREEN.ordinal()], 0.05f);
                    return s;
                }),
                new Scenario("clipped (x4)", null, 1, s -> map(s, c -> scaled(c, 4f))),
                new Scenario("blank (each stain its median)", null, 1, s -> map(s, FieldQcCalibration::blank)));
    }

    private static HpaSynth synth(int size, int cells, int bitDepth, Optics optics) {
        HpaSynth.Builder b = HpaSynth.builder().size(size).bitDepth(bitDepth).optics(optics);
        if (cells > 0) {
            b.cellsPerField(cells);
        }
        return b.build();
    }

    private static Optics gains(double red, double green, double blue, double yellow) {
        Optics d = Optics.defaults();
        double[] g = d.gain();
        double[] scale = {red, green, blue, yellow};
        for (int s = 0; s < 4; s++) {
            g[s] *= scale[s];
        }
        return new Optics(d.blurSigma(), d.photonsAtFullScale(), d.readNoise(), g, d.background(), d.gainJitter());
    }

    private static String header() {
        String names = String.format(Locale.ROOT, ROW, "scenario", "PSF", "focus", "lap var", "foreground", "nuclei",
                "saturated", "p99 r/g/b/y", "min p99.9 r/g/b/y", "flags E/F/S/Dr/Dg/Db/Dy %");
        return names + "\n" + names.replaceAll("[^|]", "-");
    }

    private static String row(String name, String psf, List<QcReport> reports) {
        StringBuilder flags = new StringBuilder();
        for (QcFlag flag : QcFlag.values()) {
            long raised = reports.stream().filter(r -> r.flags().contains(flag)).count();
            flags.append(flags.length() == 0 ? "" : "/").append(Math.round(100.0 * raised / reports.size()));
        }
        StringBuilder p99 = new StringBuilder();
        StringBuilder p999 = new StringBuilder();
        for (Channel c : Channel.values()) {
            p99.append(p99.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.3f",
                    median(reports, r -> r.stain(c).p99())));
            p999.append(p999.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.3f",
                    reports.stream().mapToDouble(r -> r.stain(c).p999()).min().orElse(0)));
        }
        double[] saturated = reports.stream().mapToDouble(FieldQcCalibration::maxSaturated).sorted().toArray();
        return String.format(Locale.ROOT, ROW, name, psf, spread(reports, QcReport::focus, "%.2f"),
                String.format(Locale.ROOT, "%.1e", median(reports, QcReport::laplacianVariance)),
                spread(reports, QcReport::foregroundFraction, "%.3f"),
                spread(reports, QcReport::nuclei, "%.0f"),
                String.format(Locale.ROOT, "%.4f (%.4f)", median(reports, FieldQcCalibration::maxSaturated),
                        saturated[saturated.length - 1]),
                p99, p999, flags);
    }

    private static double maxSaturated(QcReport r) {
        return r.stains().stream().mapToDouble(StainStats::saturatedFraction).max().orElse(0);
    }

    private static String spread(List<QcReport> reports, ToDoubleFunction<QcReport> figure, String format) {
        double[] v = reports.stream().mapToDouble(figure).sorted().toArray();
        String median = String.format(Locale.ROOT, format, median(reports, figure));
        return v.length == 1 ? median : median + " (" + String.format(Locale.ROOT, format, v[0]) + ".."
                + String.format(Locale.ROOT, format, v[v.length - 1]) + ")";
    }

    private static double median(List<QcReport> reports, ToDoubleFunction<QcReport> figure) {
        double[] v = reports.stream().mapToDouble(figure).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The cost of QC next to that of decoding the field's four PNGs: each timed 15 times after 5 warm-ups, as
     * {@code "<min> ms (median <median>)"}: on a shared machine the minimum is the better estimate of the cost.
     */
    private static String cost(String label, byte[][] pngs, QcSettings settings) throws IOException {
        double[] decodeMs = new double[15];
        double[] qcMs = new double[15];
        for (int i = -5; i < decodeMs.length; i++) {
            long start = System.nanoTime();
            GrayImage[] s = decode(pngs);
            long decoded = System.nanoTime();
            FieldQc.measure(s[0], s[1], s[2], s[3], settings);
            long measured = System.nanoTime();
            if (i >= 0) {
                decodeMs[i] = (decoded - start) / 1e6;
                qcMs[i] = (measured - decoded) / 1e6;
            }
        }
        return String.format(Locale.ROOT, "%s: QC %s per field; decoding its four PNGs %s", label,
                minAndMedian(qcMs), minAndMedian(decodeMs));
    }

    private static String minAndMedian(double[] ms) {
        Arrays.sort(ms);
        return String.format(Locale.ROOT, "%.1f ms (median %.1f)", ms[0], ms[ms.length / 2]);
    }

    private static GrayImage[] stains(SynthField field) {
        GrayImage[] out = new GrayImage[4];
        for (Stain s : Stain.values()) {
            out[s.ordinal()] = new GrayImage(field.size(), field.size(), field.bitDepth(), field.stain(s));
        }
        return out;
    }

    private static byte[][] realPngs(String id) throws IOException {
        byte[][] pngs = new byte[4][];
        for (Channel c : Channel.values()) {
            pngs[c.ordinal()] = Files.readAllBytes(fullSizeDir().resolve(id + "_" + c.fileSuffix() + ".png"));
        }
        return pngs;
    }

    private static GrayImage[] decode(byte[][] pngs) throws IOException {
        GrayImage[] out = new GrayImage[4];
        for (Channel c : Channel.values()) {
            try {
                out[c.ordinal()] = ImageCodec.decode(pngs[c.ordinal()], DecodeLimits.defaults(), c);
            } catch (ImageDecodeException e) {
                throw new IOException("cannot decode the " + c.fileSuffix() + " stain", e);
            }
        }
        return out;
    }

    private static GrayImage[] copy(GrayImage[] stains) {
        return map(stains, s -> new GrayImage(s.width(), s.height(), s.bitDepth(), s.pixels().clone()));
    }

    private static GrayImage[] map(GrayImage[] stains, UnaryOperator<GrayImage> f) {
        GrayImage[] out = new GrayImage[stains.length];
        for (int i = 0; i < stains.length; i++) {
            out[i] = f.apply(stains[i]);
        }
        return out;
    }

    /** Gaussian blur of a square stain (the generator's own PSF code), then re-quantised to its bit depth. */
    private static GrayImage blur(GrayImage s, double sigma) {
        float[] pixels = s.pixels().clone();
        Imaging.blur(pixels, s.width(), Imaging.kernel(sigma), new float[s.height()][s.width()]);
        return quantised(s, pixels);
    }

    /** Every pixel multiplied by {@code factor}, clipped to 1 and re-quantised to the bit depth. */
    private static GrayImage scaled(GrayImage s, float factor) {
        float[] pixels = s.pixels().clone();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.min(1f, pixels[i] * factor);
        }
        return quantised(s, pixels);
    }

    /** The stain's median everywhere: a field with nothing in it. */
    private static GrayImage blank(GrayImage s) {
        float[] sorted = s.pixels().clone();
        Arrays.sort(sorted);
        float[] pixels = new float[sorted.length];
        Arrays.fill(pixels, sorted[sorted.length / 2]);
        return new GrayImage(s.width(), s.height(), s.bitDepth(), pixels);
    }

    private static GrayImage quantised(GrayImage s, float[] pixels) {
        float levels = (1 << s.bitDepth()) - 1;
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.round(pixels[i] * levels) / levels;
        }
        return new GrayImage(s.width(), s.height(), s.bitDepth(), pixels);
    }

    /** The real full-size fields: under {@code tunet.shared.dir}, which the exec execution passes. */
    private static Path fullSizeDir() {
        return Path.of(System.getProperty("tunet.shared.dir", "../../shared")).resolve("data/hpa/full-size");
    }
}
