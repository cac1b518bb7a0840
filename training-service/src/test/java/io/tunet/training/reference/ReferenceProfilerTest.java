package io.tunet.training.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.imaging.Channel;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.qc.QcReport;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ReferenceHistogram;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.schemas.drift.DriftProfiles;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.Optics;
import io.tunet.synth.Stain;
import io.tunet.synth.SynthField;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ReferenceProfilerTest {

    private static final int FIELDS = 40;
    /** The results sink's default PSI threshold of a QC statistic ({@code results.drift.qc-threshold}). */
    private static final double THRESHOLD = 0.25;

    @Test
    void shouldBinEachStatisticOfHpaSynthFieldsAndTellABlurredPlateFromANormalOne() throws Exception {
        HpaSynth normal = HpaSynth.builder().size(256).build();
        HpaSynth blurred = HpaSynth.builder().size(256).optics(Optics.defaults().withBlurSigma(3)).build();

        // a reference of as many fields as training profiles (ReferenceProfiler.MAX_FIELDS), and one of 40 (a small
        // gate split) from the same fields; plates of 40
        List<QcReport> referenceFields = ReferenceProfiler.measure(fields(normal, 1, ReferenceProfiler.MAX_FIELDS), 2);
        ReferenceProfile profile = profile(referenceFields);
        ReferenceProfile small = profile(referenceFields.subList(0, FIELDS));

        assertThat(profile.getFields()).isEqualTo(ReferenceProfiler.MAX_FIELDS);
        assertThat(profile.getSource()).isEqualTo("normal fields: QC of 200 fields, predictions on 1");
        assertThat(profile.getQc()).extracting(ReferenceHistogram::getStatistic).containsExactly("focus",
                "foregroundFraction", "nuclei", "red.p999", "green.p999", "blue.p999", "yellow.p999");
        for (ReferenceHistogram h : profile.getQc()) {
            assertThat(h.getProportions()).as(h.getStatistic()).hasSize(h.getEdges().size() + 1);
            assertThat(h.getProportions().stream().mapToDouble(Double::doubleValue).sum()).as(h.getStatistic())
                    .isCloseTo(1, org.assertj.core.data.Offset.offset(1e-9));
        }
        // the results sink's rule: a PSI alarms above both 0.25 and what a plate that small reaches by chance
        // against a reference of that many fields
        for (long seed = 2; seed <= 8; seed++) {
            double[] plate = focus(fields(normal, seed));
            for (ReferenceProfile reference : List.of(profile, small)) {
                double psi = psi(reference, plate);
                System.out.printf("focus PSI of normal plate %d against %d reference fields: %.3f (alarm above %.3f)%n",
                        seed, reference.getFields(), psi, alarm(reference, plate.length));
                assertThat(psi).as("normal plate " + seed).isLessThan(alarm(reference, plate.length));
            }
        }
        double[] outOfFocus = focus(fields(blurred, 2));
        for (ReferenceProfile reference : List.of(profile, small)) {
            double psi = psi(reference, outOfFocus);
            System.out.printf("focus PSI of a plate at blur sigma 3 against %d reference fields: %.3f%n",
                    reference.getFields(), psi);
            assertThat(psi).isGreaterThan(2 * alarm(reference, outOfFocus.length));
        }
    }

    private static ReferenceProfile profile(List<QcReport> qc) {
        return ReferenceProfiler.profile(qc, new float[][] {new float[HpaClasses.COUNT]}, new float[HpaClasses.COUNT],
                "normal fields");
    }

    private static double[] focus(List<ReferenceProfiler.Field> plate) throws InterruptedException {
        return ReferenceProfiler.measure(plate, 2).stream().mapToDouble(QcReport::focus).toArray();
    }

    private static double psi(ReferenceProfile reference, double[] focus) {
        ReferenceHistogram histogram = reference.getQc().get(0);
        return DriftProfiles.psi(expected(histogram), DriftProfiles.proportions(histogram, focus));
    }

    private static double alarm(ReferenceProfile reference, int fields) {
        return Math.max(THRESHOLD, DriftProfiles.chanceLevel(expected(reference.getQc().get(0)), fields,
                reference.getFields()));
    }

    private static double[] expected(ReferenceHistogram histogram) {
        return histogram.getProportions().stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void shouldCountAClassWhereItsProbabilityReachesItsThresholdAndFieldsWithNone() {
        float[] thresholds = new float[HpaClasses.COUNT];
        java.util.Arrays.fill(thresholds, 0.5f);
        float[] nucleoplasm = new float[HpaClasses.COUNT];
        nucleoplasm[0] = 0.5f;
        float[] nucleoplasmAndCytosol = new float[HpaClasses.COUNT];
        nucleoplasmAndCytosol[0] = 0.9f;
        nucleoplasmAndCytosol[25] = 0.7f;
        float[] nothing = new float[HpaClasses.COUNT];
        nothing[25] = 0.49f;

        ReferenceProfile profile = ReferenceProfiler.profile(List.of(report()),
                new float[][] {nucleoplasm, nucleoplasmAndCytosol, nothing, nothing}, thresholds, "four fields");

        assertThat(profile.getClassFrequencies().get(0)).isEqualTo(0.5);
        assertThat(profile.getClassFrequencies().get(25)).isEqualTo(0.25);
        assertThat(profile.getNoClassFraction()).isEqualTo(0.5);
    }

    @Test
    void shouldLeaveOutAFieldThatCannotBeDecodedAndDescribeNothingWithoutFields() throws Exception {
        List<ReferenceProfiler.Field> fields = new ArrayList<>(fields(HpaSynth.builder().size(128).build(), 3)
                .subList(0, 3));
        fields.add(() -> {
            throw new java.io.IOException("blob missing");
        });

        assertThat(ReferenceProfiler.measure(fields, 2)).hasSize(3);
        assertThat(ReferenceProfiler.profile(List.of(), new float[][] {new float[HpaClasses.COUNT]},
                new float[HpaClasses.COUNT], "none")).isNull();
    }

    private static QcReport report() {
        try {
            return ReferenceProfiler.measure(fields(HpaSynth.builder().size(128).build(), 4).subList(0, 1), 1).get(0);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HPA-Synth fields as decoded stains: the generator's 8-bit output, as a microscope's PNG would decode. */
    private static List<ReferenceProfiler.Field> fields(HpaSynth synth, long seed) {
        return fields(synth, seed, FIELDS);
    }

    private static List<ReferenceProfiler.Field> fields(HpaSynth synth, long seed, int count) {
        return LongStream.range(0, count).<ReferenceProfiler.Field>mapToObj(i -> () -> {
            SynthField field = synth.generate(seed, i);
            Map<Channel, GrayImage> stains = new EnumMap<>(Channel.class);
            for (Stain stain : Stain.values()) {
                stains.put(Channel.values()[stain.ordinal()],
                        new GrayImage(field.size(), field.size(), field.bitDepth(), field.stain(stain)));
            }
            return stains;
        }).toList();
    }
}
