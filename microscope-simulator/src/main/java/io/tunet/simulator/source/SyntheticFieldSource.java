package io.tunet.simulator.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

import javax.imageio.ImageIO;

import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.EncodedImage;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.LabelMode;
import io.tunet.synth.SynthField;

/**
 * Fields from HPA-Synth laid out on plates: field {@code index} of a run is HPA-Synth field (seed, index) at
 * the layout's {@code index}-th position, acquired under the run's {@link AcquisitionConditions}, each stain
 * encoded as a PNG of the generator's bit depth.
 */
public final class SyntheticFieldSource {

    private static final Map<io.tunet.synth.Stain, Stain> STAINS = Map.of(
            io.tunet.synth.Stain.RED, Stain.RED_MICROTUBULES,
            io.tunet.synth.Stain.GREEN, Stain.GREEN_PROTEIN,
            io.tunet.synth.Stain.BLUE, Stain.BLUE_NUCLEUS,
            io.tunet.synth.Stain.YELLOW, Stain.YELLOW_ER);

    private final HpaSynth synth;
    private final AcquisitionConditions conditions;
    private final long seed;
    private final PlateLayout layout;

    /** The generator's own fields: {@link AcquisitionConditions#normal()}. */
    public SyntheticFieldSource(HpaSynth synth, long seed, PlateLayout layout) {
        this(synth, AcquisitionConditions.normal(), seed, layout);
    }

    /**
     * Fields of {@code synth} under {@code conditions}: its optics with their blur and gain factors, and their
     * classes as labels where they name some.
     *
     * @throws IllegalArgumentException if the conditions name classes and {@code synth} draws
     *                                  {@link LabelMode#BALANCED} label sets, which the classes would replace
     */
    public SyntheticFieldSource(HpaSynth synth, AcquisitionConditions conditions, long seed, PlateLayout layout) {
        if (!conditions.classes().isEmpty() && synth.labelMode() == LabelMode.BALANCED) {
            throw new IllegalArgumentException("classes " + conditions.classes()
                    + " replace the generator's label draw: a BALANCED generator would not be balanced");
        }
        this.synth = conditions.synth(synth);
        this.conditions = conditions;
        this.seed = seed;
        this.layout = layout;
    }

    /** The {@code index}-th field of the run, with its true labels. */
    public FieldImages field(long index) {
        SynthField field = synth.generate(seed, index, conditions.labels(synth, seed, index));
        Map<Stain, EncodedImage> stains = new EnumMap<>(Stain.class);
        for (io.tunet.synth.Stain stain : io.tunet.synth.Stain.values()) {
            stains.put(STAINS.get(stain), new EncodedImage(png(field, stain), ImageFormat.PNG,
                    field.size(), field.size(), field.bitDepth()));
        }
        PlateLayout.Position position = layout.position(index);
        return new FieldImages(position.sampleId(), position.plate(), position.well(), position.field(), stains,
                field.labels());
    }

    private static byte[] png(SynthField field, io.tunet.synth.Stain stain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(field.size() * field.size() / 2);
        try {
            ImageIO.write(field.image(stain), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding into memory failed", e);
        }
        return out.toByteArray();
    }
}
