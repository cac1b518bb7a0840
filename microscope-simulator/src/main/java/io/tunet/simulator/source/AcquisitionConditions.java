package io.tunet.simulator.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import io.tunet.schemas.HpaClasses;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.Optics;
import io.tunet.synth.Stain;

/**
 * How a plate is acquired, beyond the generator's size and bit depth: the focus of the optics, the exposure of
 * each stain and the classes the plate shows. A plate that drifts from the reference (issue #19 §2) is the
 * normal plate under other conditions: {@code normal().withBlur(3)} is out of focus,
 * {@code normal().withStainGain(Stain.GREEN, 0.1)} has a dim green channel, {@code normal().withClasses(0)} shows
 * only nucleoplasm. {@link #normal()} changes nothing: its fields are the generator's own.
 *
 * <p>Field (seed, index) keeps its scene under any blur and gains (HPA-Synth draws the scene and the noise
 * from their own streams), so a blurred or dimmed plate differs from the normal one only in its optics. With
 * classes, every field carries one label, drawn uniformly from the list by (seed, index) alone: the same seed
 * gives the same labels at every size and under any optics; a class listed twice is drawn twice as often.
 *
 * @param blurSigma the optics' point-spread σ in pixels at 512² ({@link Optics#blurSigma()}, scaled with the field
 *                  size by the generator); empty: the generator's own
 * @param stainGain per stain, a factor on the optics' gain of that stain; a stain not named keeps its gain
 * @param classes   the HPA class indices every field's label is drawn from; empty: the generator's label sets
 */
public record AcquisitionConditions(OptionalDouble blurSigma, Map<Stain, Double> stainGain, List<Integer> classes) {

    private static final long CLASS_STREAM = 0x434C4153534553L;

    /**
     * @throws IllegalArgumentException naming the bad value if the blur is outside {@link Optics}' range, a factor is
     *                                  not a positive finite number, or a class is outside 0..27
     */
    public AcquisitionConditions {
        Objects.requireNonNull(blurSigma, "blurSigma");
        Objects.requireNonNull(stainGain, "stainGain");
        Objects.requireNonNull(classes, "classes");
        if (blurSigma.isPresent()) {
            // Optics owns the range, so ask it rather than repeat it.
            Optics.defaults().withBlurSigma(blurSigma.getAsDouble());
        }
        EnumMap<Stain, Double> gains = new EnumMap<>(Stain.class);
        stainGain.forEach((stain, factor) -> {
            Objects.requireNonNull(stain, "stain");
            if (factor == null || !(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("the gain factor of the " + stain.suffix()
                        + " stain must be a positive number, got " + factor);
            }
            gains.put(stain, factor);
        });
        stainGain = Collections.unmodifiableMap(gains);
        for (Integer c : classes) {
            HpaClasses.requireValid(Objects.requireNonNull(c, "class"));
        }
        classes = List.copyOf(classes);
    }

    /** The generator's own optics and labels. */
    public static AcquisitionConditions normal() {
        return new AcquisitionConditions(OptionalDouble.empty(), Map.of(), List.of());
    }

    /**
     * These conditions with the optics' point-spread σ set to {@code sigma} pixels at 512² (HPA-Synth's default is
     * 0.8; 3 is clearly out of focus).
     *
     * @throws IllegalArgumentException if {@code sigma} is outside {@link Optics}' range (0..10)
     */
    public AcquisitionConditions withBlur(double sigma) {
        return new AcquisitionConditions(OptionalDouble.of(sigma), stainGain, classes);
    }

    /**
     * These conditions with {@code stain}'s gain multiplied by {@code factor} (replacing an earlier factor for that
     * stain): 0.1 gives a tenth of the signal, the background and the noise floor stay.
     *
     * @throws IllegalArgumentException if {@code factor} is not a positive finite number
     */
    public AcquisitionConditions withStainGain(Stain stain, double factor) {
        Map<Stain, Double> gains = new EnumMap<>(Stain.class);
        gains.putAll(stainGain);
        gains.put(Objects.requireNonNull(stain, "stain"), factor);
        return new AcquisitionConditions(blurSigma, gains, classes);
    }

    /**
     * These conditions with every field labelled with one class drawn from {@code classes} by (seed, index); no
     * classes: the generator's label sets again.
     *
     * @throws IllegalArgumentException if a class is outside 0..27
     */
    public AcquisitionConditions withClasses(int... classes) {
        return new AcquisitionConditions(blurSigma, stainGain, IntStream.of(classes).boxed().toList());
    }

    /** {@code base} with these conditions' blur and gain factors applied; everything else as in {@code base}. */
    public Optics optics(Optics base) {
        double[] gain = base.gain();
        stainGain.forEach((stain, factor) -> gain[stain.ordinal()] *= factor);
        return new Optics(blurSigma.orElse(base.blurSigma()), base.photonsAtFullScale(), base.readNoise(), gain,
                base.background(), base.gainJitter());
    }

    /** {@code synth} acquiring under these conditions' optics (the same generator otherwise). */
    public HpaSynth synth(HpaSynth synth) {
        return synth.withOptics(optics(synth.optics()));
    }

    /**
     * The label set of field (seed, index): one class from {@link #classes()}, or without classes the set
     * {@code synth} draws for it.
     */
    public int[] labels(HpaSynth synth, long seed, long index) {
        if (classes.isEmpty()) {
            return synth.labels(seed, index);
        }
        SplittableRandom random = new SplittableRandom(mix(mix(seed ^ CLASS_STREAM) ^ index));
        return new int[] {classes.get(random.nextInt(classes.size()))};
    }

    /** What differs from the generator's own acquisition, e.g. {@code blur 3.0, green gain x0.1, classes [0]}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        blurSigma.ifPresent(sigma -> parts.add("blur " + sigma));
        stainGain.forEach((stain, factor) -> parts.add(stain.suffix() + " gain x" + factor));
        if (!classes.isEmpty()) {
            parts.add("classes " + classes);
        }
        return parts.isEmpty() ? "normal" : String.join(", ", parts);
    }

    /** SplitMix64's finaliser: nearby (seed, index) pairs give unrelated streams. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
