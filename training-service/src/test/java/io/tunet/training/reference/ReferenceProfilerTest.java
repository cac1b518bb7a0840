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
    /** The results sink's default alarm level for a QC statistic's shift. */
    private static final double ALARM = 1.0;

    @Test
    void shouldBinEachStatisticOfHpaSynthFieldsAndTellABlurredPlateFromANormalOne() throws Exception {
        HpaSynth normal = HpaSynth.builder().size(256).build();
        HpaSynth blurred = HpaSynth.builder().size(256).optics(Optics.defaults().withBlurSigma(3)).build();

        ReferenceProfile profile = ReferenceProfiler.profile(ReferenceProfiler.measure(fields(normal, 1), 2),
                new float[][] {new float[HpaClasses.COUNT]}, new float[HpaClasses.COUNT], "normal fields");

        assertThat(profile.getFields()).isEqualTo(FIELDS);
        assertThat(profile.getSource()).isEqualTo("normal fields: QC of 40 fields, predictions on 1");
        assertThat(profile.getQc()).extracting(ReferenceHistogram::getStatistic).containsExactly("focus",
                "foregroundFraction", "nuclei", "red.p999", "green.p999", "blue.p999", "yellow.p999");
        for (ReferenceHistogram h : profile.getQc()) {
            assertThat(h.getProportions()).as(h.getStatistic()).hasSize(h.getEdges().size() + 1);
            assertThat(h.getProportions().stream().mapToDouble(Double::doubleValue).sum()).as(h.getStatistic())
                    .isCloseTo(1, org.assertj.core.data.Offset.offset(1e-9));
        }
        ReferenceHistogram focus = profile.getQc().get(0);
        double[] expected = focus.getProportions().stream().mapToDouble(Double::doubleValue).toArray();
        // seven plates of the same optics: fields within a plate share more than chance says, so some score above
        // the plain PSI's 0.25 even after the chance level is taken off; none reaches the sink's alarm level 1
        for (long seed = 2; seed <= 8; seed++) {
            double[] sameOptics = ReferenceProfiler.measure(fields(normal, seed), 2).stream()
                    .mapToDouble(QcReport::focus).toArray();
            double shift = DriftProfiles.shift(expected, profile.getFields(), DriftProfiles.counts(focus, sameOptics));
            System.out.printf("focus shift (PSI less chance) of normal plate %d: %.3f%n", seed, shift);
            assertThat(shift).as("normal plate " + seed).isLessThan(ALARM);
        }
        double[] outOfFocus = ReferenceProfiler.measure(fields(blurred, 2), 2).stream()
                .mapToDouble(QcReport::focus).toArray();
        double shift = DriftProfiles.shift(expected, profile.getFields(), DriftProfiles.counts(focus, outOfFocus));
        System.out.printf("focus shift of a plate at blur sigma 3: %.3f%n", shift);
        assertThat(shift).isGreaterThan(2 * ALARM);
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
        return LongStream.range(0, FIELDS).<ReferenceProfiler.Field>mapToObj(i -> () -> {
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
