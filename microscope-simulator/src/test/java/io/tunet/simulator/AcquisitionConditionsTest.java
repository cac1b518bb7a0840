package io.tunet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.LongStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcFlag;
import io.tunet.imaging.qc.QcReport;
import io.tunet.schemas.Stain;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.AcquisitionConditions;
import io.tunet.simulator.source.SyntheticFieldSource;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.LabelMode;
import io.tunet.synth.SynthField;

/**
 * The drifting plates of issue #19 §2 as field QC sees them: fields made under {@link AcquisitionConditions},
 * encoded as the simulator publishes them, decoded and measured by {@code imaging}'s {@link FieldQc} with its
 * default thresholds. Prints the figures the README quotes.
 */
class AcquisitionConditionsTest {

    /** One plate of fields, at 512² and 8 bits: what {@code simulate} publishes by default. */
    private static final int FIELDS = PlateLayout.ROWS * PlateLayout.COLUMNS;
    private static final long SEED = 19;
    private static final HpaSynth SYNTH = HpaSynth.builder().build();
    private static final HpaSynth SMALL = HpaSynth.builder().size(128).build();

    private static List<QcReport> normalPlate;

    @Test
    void normalConditionsGiveTheGeneratorsOwnFields() throws IOException {
        SyntheticFieldSource source = new SyntheticFieldSource(SMALL, AcquisitionConditions.normal(), 5,
                new PlateLayout("N", 1));
        for (long index = 0; index < 3; index++) {
            FieldImages published = source.field(index);
            SynthField truth = SMALL.generate(5, index);
            assertThat(published.labels()).isEqualTo(truth.labels());
            for (io.tunet.synth.Stain stain : io.tunet.synth.Stain.values()) {
                byte[] png = published.stains().get(Stain.values()[stain.ordinal()]).bytes();
                int[] pixels = ImageIO.read(new ByteArrayInputStream(png)).getRaster().getPixels(0, 0, 128, 128, (int[]) null);
                assertThat(pixels).as("field %d, %s", index, stain).isEqualTo(truth.raster(stain));
            }
        }
    }

    @Test
    void blurThreeTakesThePlateOutOfFocus() {
        List<QcReport> blurred = plate(AcquisitionConditions.normal().withBlur(3));

        double normalFocus = median(normalPlate(), QcReport::focus);
        double blurredFocus = median(blurred, QcReport::focus);
        print("focus (median, min..max)", "blur 3", normalPlate(), blurred, QcReport::focus);
        printShare(QcFlag.OUT_OF_FOCUS, "blur 3", normalPlate(), blurred);

        assertThat(blurredFocus).isLessThan(0.6 * normalFocus);
        assertThat(share(blurred, QcFlag.OUT_OF_FOCUS)).as("blurred fields flagged OUT_OF_FOCUS").isGreaterThanOrEqualTo(0.75);
        assertThat(share(normalPlate(), QcFlag.OUT_OF_FOCUS)).as("normal fields flagged OUT_OF_FOCUS").isLessThanOrEqualTo(0.1);
    }

    @Test
    void aTenthOfTheGreenGainDimsTheGreenChannelOnly() {
        List<QcReport> dim = plate(AcquisitionConditions.normal().withStainGain(io.tunet.synth.Stain.GREEN, 0.1));

        print("green p99.9 (median, min..max)", "green=0.1", normalPlate(), dim, r -> r.stain(Channel.GREEN).p999());
        printShare(QcFlag.DIM_GREEN, "green=0.1", normalPlate(), dim);

        assertThat(median(dim, r -> r.stain(Channel.GREEN).p999()))
                .isLessThan(0.2 * median(normalPlate(), r -> r.stain(Channel.GREEN).p999()));
        assertThat(share(dim, QcFlag.DIM_GREEN)).as("dimmed fields flagged DIM_GREEN").isGreaterThanOrEqualTo(0.75);
        assertThat(share(normalPlate(), QcFlag.DIM_GREEN)).as("normal fields flagged DIM_GREEN").isLessThanOrEqualTo(0.15);
        for (Channel other : List.of(Channel.RED, Channel.BLUE, Channel.YELLOW)) {
            assertThat(median(dim, r -> r.stain(other).p999())).as(other + " p99.9")
                    .isCloseTo(median(normalPlate(), r -> r.stain(other).p999()), withPercentage(5));
        }
    }

    @Test
    void classesLabelEveryFieldFromTheListAlone() {
        SyntheticFieldSource nucleoplasm = new SyntheticFieldSource(SMALL, AcquisitionConditions.normal().withClasses(0),
                SEED, new PlateLayout("C", 1));
        for (long index = 0; index < 4; index++) {
            assertThat(nucleoplasm.field(index).labels()).containsExactly(0);
        }

        AcquisitionConditions two = AcquisitionConditions.normal().withClasses(7, 19);
        List<Integer> drawn = labelsOf(two, SEED, 200);
        assertThat(drawn).containsOnly(7, 19).contains(7, 19);
        assertThat(labelsOf(AcquisitionConditions.normal().withClasses(7, 19).withBlur(3), SEED, 200))
                .as("same seed, same labels, whatever the optics").isEqualTo(drawn);
        assertThat(labelsOf(two, SEED + 1, 200)).as("another seed").isNotEqualTo(drawn);
        SyntheticFieldSource published = new SyntheticFieldSource(SMALL, two, SEED, new PlateLayout("C", 1));
        for (long index = 0; index < 4; index++) {
            assertThat(published.field(index).labels()).containsExactly(drawn.get((int) index));
        }

        List<Integer> weighted = labelsOf(AcquisitionConditions.normal().withClasses(0, 0, 0, 25), SEED, 2000);
        assertThat(weighted.stream().filter(c -> c == 0).count() / 2000.0).as("share of a class listed 3 times in 4")
                .isBetween(0.70, 0.80);
    }

    @Test
    void conditionsSayWhatDiffersFromANormalAcquisition() {
        assertThat(AcquisitionConditions.normal()).hasToString("normal");
        assertThat(AcquisitionConditions.normal().withClasses(0).withStainGain(io.tunet.synth.Stain.GREEN, 0.1).withBlur(3))
                .hasToString("blur 3.0, green gain x0.1, classes [0]");
    }

    @Test
    void badConditionsAreRefusedWithTheReason() {
        AcquisitionConditions normal = AcquisitionConditions.normal();
        assertThatThrownBy(() -> normal.withBlur(10.5)).hasMessageContaining("0..10").hasMessageContaining("10.5");
        assertThatThrownBy(() -> normal.withBlur(-1)).hasMessageContaining("-1.0");
        assertThatThrownBy(() -> normal.withBlur(Double.NaN)).hasMessageContaining("NaN");
        for (double factor : new double[] {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> normal.withStainGain(io.tunet.synth.Stain.GREEN, factor))
                    .hasMessageContaining("green").hasMessageContaining(Double.toString(factor));
        }
        assertThatThrownBy(() -> normal.withClasses(3, 28)).hasMessageContaining("28").hasMessageContaining("0..27");
        assertThatThrownBy(() -> normal.withClasses(-1)).hasMessageContaining("-1");
        HpaSynth balanced = HpaSynth.builder().size(128).labelMode(LabelMode.BALANCED).build();
        assertThatThrownBy(() -> new SyntheticFieldSource(balanced, normal.withClasses(0), 1, new PlateLayout("B", 1)))
                .hasMessageContaining("BALANCED");
    }

    private static List<Integer> labelsOf(AcquisitionConditions conditions, long seed, int fields) {
        List<Integer> labels = new ArrayList<>();
        for (long index = 0; index < fields; index++) {
            int[] set = conditions.labels(SMALL, seed, index);
            assertThat(set).hasSize(1);
            labels.add(set[0]);
        }
        return labels;
    }

    private static synchronized List<QcReport> normalPlate() {
        if (normalPlate == null) {
            normalPlate = plate(AcquisitionConditions.normal());
        }
        return normalPlate;
    }

    /** QC of the plate's first {@value #FIELDS} fields, decoded from the PNGs the simulator would publish. */
    static List<QcReport> plate(AcquisitionConditions conditions) {
        SyntheticFieldSource source = new SyntheticFieldSource(SYNTH, conditions, SEED, new PlateLayout("QC", 1));
        return LongStream.range(0, FIELDS).mapToObj(index -> qc(source.field(index))).toList();
    }

    static QcReport qc(FieldImages field) {
        return FieldQc.measure(decode(field, Stain.RED_MICROTUBULES), decode(field, Stain.GREEN_PROTEIN),
                decode(field, Stain.BLUE_NUCLEUS), decode(field, Stain.YELLOW_ER));
    }

    private static GrayImage decode(FieldImages field, Stain stain) {
        return decode(field.stains().get(stain).bytes());
    }

    static GrayImage decode(byte[] png) {
        try {
            return ImageCodec.decode(png, DecodeLimits.defaults());
        } catch (ImageDecodeException e) {
            throw new AssertionError("a published stain does not decode: " + e.getMessage(), e);
        }
    }

    static double median(List<QcReport> reports, ToDoubleFunction<QcReport> figure) {
        double[] values = reports.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    static double share(List<QcReport> reports, QcFlag flag) {
        return reports.stream().filter(r -> r.flags().contains(flag)).count() / (double) reports.size();
    }

    private static void print(String figure, String condition, List<QcReport> normal, List<QcReport> changed,
                              ToDoubleFunction<QcReport> value) {
        System.out.printf(Locale.ROOT, "%d fields, seed %d, 512²: %s: normal %s, %s %s%n", FIELDS, SEED, figure,
                range(normal, value), condition, range(changed, value));
    }

    private static String range(List<QcReport> reports, ToDoubleFunction<QcReport> value) {
        double[] v = reports.stream().mapToDouble(value).sorted().toArray();
        return String.format(Locale.ROOT, "%.3f (%.3f..%.3f)", median(reports, value), v[0], v[v.length - 1]);
    }

    private static void printShare(QcFlag flag, String condition, List<QcReport> normal, List<QcReport> changed) {
        System.out.printf(Locale.ROOT, "%d fields, seed %d, 512²: %s on %.0f%% of normal fields, %.0f%% of %s%n",
                FIELDS, SEED, flag, 100 * share(normal, flag), 100 * share(changed, flag), condition);
    }
}
