package io.tunet.stack.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.tunet.schemas.Stain;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.EncodedImage;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.HpaDirectorySource;
import io.tunet.simulator.source.SyntheticFieldSource;
import io.tunet.stack.support.RepoPaths;
import io.tunet.synth.HpaSynth;

/**
 * Fields for the benchmarks to publish: a new HPA-Synth field for each publication ({@code pool} null), or the
 * fields of {@code pool} round and round, each time at a new position; with {@code distinctBytes} every stain of
 * every publication also gets its own bytes (a PNG text chunk naming the sample), so that content-addressed stores
 * see as many blobs as fields were published, at the cost of synthesising the pool only.
 */
record FieldSupply(String description, HpaSynth synth, List<FieldImages> pool, boolean distinctBytes) {

    private static final int FULL_SIZE_SYNTH_FIELDS = 6;
    private static final int FULL_SIZE = 2048;

    /** A new HPA-Synth field of {@code size}² for every publication. */
    static FieldSupply synthetic(int size) {
        return new FieldSupply("HPA-Synth fields at S = " + size, HpaSynth.builder().size(size).build(), null, false);
    }

    /**
     * {@code poolSize} HPA-Synth fields of {@code size}², synthesised now and published round and round, every
     * publication with bytes of its own: for long runs, where synthesising each field would take a share of the
     * CPU the line is measured on.
     */
    static FieldSupply syntheticPool(int size, int poolSize) {
        SyntheticFieldSource synth = new SyntheticFieldSource(HpaSynth.builder().size(size).build(), size,
                new PlateLayout("POOL", 4));
        List<FieldImages> pool = new ArrayList<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            pool.add(synth.field(i));
        }
        return new FieldSupply(poolSize + " HPA-Synth fields at S = " + size + ", published round and round, each"
                + " stain made distinct by a PNG text chunk naming its sample", null, pool, true);
    }

    /**
     * The real full-size fields and a few HPA-Synth fields at 2048², made once (one takes about a second to
     * synthesise and encode) and then published round and round.
     */
    static FieldSupply fullSize() throws Exception {
        List<FieldImages> pool = new ArrayList<>();
        List<String> realSizes = new ArrayList<>();
        HpaDirectorySource real = HpaDirectorySource.open(RepoPaths.shared().resolve("data/hpa/full-size"));
        for (String id : real.ids()) {
            FieldImages field = new FieldImages(id, "REAL", "A01", 1, real.read(id), real.labels(id));
            EncodedImage green = field.stains().get(Stain.GREEN_PROTEIN);
            realSizes.add(green.width() + "×" + green.height());
            pool.add(field);
        }
        System.out.println("synthesising " + FULL_SIZE_SYNTH_FIELDS + " HPA-Synth fields at " + FULL_SIZE + "²...");
        SyntheticFieldSource synth = new SyntheticFieldSource(HpaSynth.builder().size(FULL_SIZE).build(), FULL_SIZE,
                new PlateLayout("SYNTH", 4));
        for (int i = 0; i < FULL_SIZE_SYNTH_FIELDS; i++) {
            pool.add(synth.field(i));
        }
        String description = "the " + real.ids().size() + " real HPA fields of ../shared/data/hpa/full-size ("
                + String.join(", ", realSizes) + ") and " + FULL_SIZE_SYNTH_FIELDS + " HPA-Synth fields at " + FULL_SIZE
                + "², four 8-bit PNG stains each, claim-checked, published round and round";
        return new FieldSupply(description, null, pool, false);
    }

    /** The first {@code count} fields of plate prefix {@code plate}. */
    List<FieldImages> fields(String plate, int count) {
        return fields(plate, 0, count);
    }

    /**
     * Fields {@code from} to {@code from + count - 1} of plate prefix {@code plate}: one run of positions (and, for
     * HPA-Synth, of distinct fields) however it is cut into calls.
     */
    List<FieldImages> fields(String plate, long from, int count) {
        PlateLayout layout = new PlateLayout(plate, 4);
        SyntheticFieldSource source = pool == null ? new SyntheticFieldSource(synth, plate.hashCode(), layout) : null;
        List<FieldImages> fields = new ArrayList<>(count);
        for (long i = from; i < from + count; i++) {
            if (source != null) {
                fields.add(source.field(i));
            } else {
                FieldImages template = pool.get((int) (i % pool.size()));
                PlateLayout.Position position = layout.position(i);
                Map<Stain, EncodedImage> stains = template.stains();
                if (distinctBytes) {
                    stains = new EnumMap<>(Stain.class);
                    for (Map.Entry<Stain, EncodedImage> stain : template.stains().entrySet()) {
                        EncodedImage image = stain.getValue();
                        stains.put(stain.getKey(), new EncodedImage(PngText.withText(image.bytes(),
                                position.sampleId() + " " + stain.getKey()), image.format(), image.width(),
                                image.height(), image.bitDepth()));
                    }
                }
                fields.add(new FieldImages(position.sampleId(), position.plate(), position.well(),
                        position.field(), stains, template.labels()));
            }
        }
        return fields;
    }
}
