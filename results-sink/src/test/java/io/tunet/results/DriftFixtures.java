package io.tunet.results;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.tunet.imaging.GrayImage;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcFlag;
import io.tunet.imaging.qc.QcReport;
import io.tunet.imaging.qc.StainStats;
import io.tunet.schemas.Classification;
import io.tunet.schemas.FieldQuality;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.ReferenceHistogram;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.schemas.StainQuality;
import io.tunet.schemas.drift.DriftProfiles;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.Optics;
import io.tunet.synth.Stain;
import io.tunet.synth.SynthField;

/**
 * Fields of the simulator measured as inference measures them (imaging's FieldQc on the four stains), and a drift
 * reference made from normal ones the way training makes it ({@link DriftProfiles#histogram} per statistic, the
 * fraction of fields per class). The "model" predicts each field's true labels, so the prediction distribution
 * follows the class mix. Generated once per JVM (about a second per hundred 256² fields).
 */
final class DriftFixtures {

    static final int SIZE = 256;
    static final int REFERENCE_FIELDS = 160;
    static final int PLATE_FIELDS = 32;
    static final int BINS = 10;
    /** What training profiles (the statistics its engineer named for the drift reference). */
    static final List<String> PROFILED = List.of("focus", "foregroundFraction", "nuclei", "red.p999", "green.p999",
            "blue.p999", "yellow.p999");
    /** A statistic of a later writer that this sink does not store (a fifth stain): readers skip it. */
    static final String UNKNOWN = "magenta.p999";
    /**
     * The shifted class mix: Peroxisomes, Endosomes, Lysosomes (all rare in the HPA mix; not Rods & rings, which
     * LabelQueueApiTest needs rare across the shared database).
     */
    static final int[] SHIFTED_LABELS = {8, 9, 10};

    /** One measured field: its QC as Classification.qc carries it, and its labels. */
    record Field(FieldQuality qc, List<Integer> labels) {
    }

    /** The kinds of plate the drift test acquires. */
    enum Plate {
        NORMAL, OUT_OF_FOCUS, DIM_GREEN, SHIFTED_MIX
    }

    private static final Map<Object, List<Field>> CACHE = new HashMap<>();

    private DriftFixtures() {
    }

    /** Normal fields of seed 7 (the reference's). */
    static synchronized List<Field> referenceFields() {
        return CACHE.computeIfAbsent("reference", k -> generate(HpaSynth.builder().size(SIZE).build(), 7, REFERENCE_FIELDS, null));
    }

    /** The fields of one kind of plate (seed 11 onwards: none of them is a reference field). */
    static synchronized List<Field> plate(Plate kind) {
        return CACHE.computeIfAbsent(kind, k -> switch (kind) {
            case NORMAL -> generate(HpaSynth.builder().size(SIZE).build(), 11, PLATE_FIELDS, null);
            // σ 3 px at 512² is 1.5 working pixels at 256²: FieldQc's focus falls to about 3 (OUT_OF_FOCUS)
            case OUT_OF_FOCUS -> generate(HpaSynth.builder().size(SIZE)
                    .optics(Optics.defaults().withBlurSigma(3.0)).build(), 12, PLATE_FIELDS, null);
            case DIM_GREEN -> generate(HpaSynth.builder().size(SIZE).optics(dimGreen()).build(), 13, PLATE_FIELDS, null);
            case SHIFTED_MIX -> generate(HpaSynth.builder().size(SIZE).build(), 14, PLATE_FIELDS, SHIFTED_LABELS);
        });
    }

    /** The default microscope with the green (protein) stain's gain divided by 8. */
    static Optics dimGreen() {
        Optics d = Optics.defaults();
        double[] gain = d.gain();
        gain[Stain.GREEN.ordinal()] /= 8;
        return new Optics(d.blurSigma(), d.photonsAtFullScale(), d.readNoise(), gain, d.background(), d.gainJitter());
    }

    /**
     * The reference of the normal fields: {@link #PROFILED} histograms of {@link #BINS} bins and one of
     * {@link #UNKNOWN}, class frequencies.
     */
    static ReferenceProfile reference() {
        List<Field> fields = referenceFields();
        List<ReferenceHistogram> qc = new ArrayList<>();
        for (String statistic : PROFILED) {
            qc.add(DriftProfiles.histogram(statistic, fields.stream().mapToDouble(f -> statistic(f.qc(), statistic))
                    .toArray(), BINS));
        }
        qc.add(DriftProfiles.histogram(UNKNOWN, fields.stream().mapToDouble(f -> f.qc().getRed().getP999()).toArray(),
                BINS));
        double[] frequencies = new double[HpaClasses.COUNT];
        long noClass = 0;
        for (Field f : fields) {
            f.labels().forEach(c -> frequencies[c] += 1.0 / fields.size());
            noClass += f.labels().isEmpty() ? 1 : 0;
        }
        return ReferenceProfile.newBuilder().setFields(fields.size())
                .setSource("HPA-Synth seed 7, " + fields.size() + " normal " + SIZE + "² fields")
                .setQc(qc).setClassFrequencies(Arrays.stream(frequencies).boxed().toList())
                .setNoClassFraction((double) noClass / fields.size()).build();
    }

    /** A model version carrying {@link #reference()}. */
    static ModelVersion modelVersion(String modelName, long version) {
        return ModelVersion.newBuilder(Fixtures.modelVersion(version, ModelStatus.PROMOTED, 0.5))
                .setModelName(modelName).setReference(reference()).build();
    }

    /** A classification of one measured field, classified now (instruments are scored over a recent window). */
    static Classification classification(String sampleId, String plate, String well, String modelName, long version,
                                         Field field) {
        int top = field.labels().isEmpty() ? 0 : field.labels().get(0);
        Instant now = Instant.now();
        return Classification.newBuilder(Fixtures.classification(sampleId, plate, well, version, top, 0.9f,
                        field.labels()))
                .setModelName(modelName).setQc(field.qc()).setClassifiedAt(now).build();
    }

    /** A figure of a QC record by its reference name (NaN for a name the sink does not store). */
    static double statistic(FieldQuality qc, String name) {
        Map<String, ToDoubleFunction<FieldQuality>> field = Map.of("focus", FieldQuality::getFocus,
                "laplacianVariance", FieldQuality::getLaplacianVariance,
                "foregroundFraction", FieldQuality::getForegroundFraction, "nuclei", q -> q.getNuclei());
        if (field.containsKey(name)) {
            return field.get(name).applyAsDouble(qc);
        }
        String[] parts = name.split("\\.");
        StainQuality stain = switch (parts[0]) {
            case "red" -> qc.getRed();
            case "green" -> qc.getGreen();
            case "blue" -> qc.getBlue();
            case "yellow" -> qc.getYellow();
            default -> null;
        };
        if (stain == null) {
            return Double.NaN;
        }
        return switch (parts[1]) {
            case "saturatedFraction" -> stain.getSaturatedFraction();
            case "p1" -> stain.getP1();
            case "p50" -> stain.getP50();
            case "p99" -> stain.getP99();
            case "p999" -> stain.getP999();
            default -> Double.NaN;
        };
    }

    private static List<Field> generate(HpaSynth synth, long seed, int count, int[] labels) {
        List<Field> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SynthField f = labels == null ? synth.generate(seed, i) : synth.generate(seed, i, labels);
            QcReport qc = FieldQc.measure(gray(f, Stain.RED), gray(f, Stain.GREEN), gray(f, Stain.BLUE),
                    gray(f, Stain.YELLOW));
            fields.add(new Field(quality(qc), Arrays.stream(f.labels()).boxed().toList()));
        }
        return fields;
    }

    private static GrayImage gray(SynthField f, Stain stain) {
        return new GrayImage(f.size(), f.size(), f.bitDepth(), f.stain(stain));
    }

    /** As inference's SampleResults.fieldQuality writes it. */
    private static FieldQuality quality(QcReport qc) {
        return FieldQuality.newBuilder()
                .setFlags(qc.flags().stream().map(QcFlag::name).toList())
                .setFocus(qc.focus()).setLaplacianVariance(qc.laplacianVariance())
                .setForegroundFraction(qc.foregroundFraction()).setNuclei(qc.nuclei())
                .setRed(stain(qc.stains().get(0))).setGreen(stain(qc.stains().get(1)))
                .setBlue(stain(qc.stains().get(2))).setYellow(stain(qc.stains().get(3)))
                .build();
    }

    private static StainQuality stain(StainStats s) {
        return StainQuality.newBuilder().setSaturatedFraction(s.saturatedFraction()).setP1(s.p1()).setP50(s.p50())
                .setP99(s.p99()).setP999(s.p999()).build();
    }
}
