package io.tunet.imaging.qc;

import io.tunet.imaging.Channel;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The QC figures of one field and the flags they raised ({@link FieldQc} says how each is measured).
 *
 * @param focus              sharpness of the nucleus stain: the Laplacian variance at a fine scale over that at a
 *                           coarse one (about 8–9 when sharp, falling with blur; 0 for a blank stain)
 * @param laplacianVariance  the variance of the plain 4-neighbour Laplacian of the nucleus stain at the working
 *                           size (intensity² units); informative only, no flag reads it
 * @param foregroundFraction fraction of the field that is nuclear foreground
 * @param nuclei             nuclei found (touching nuclei count once)
 * @param stains             per stain, in {@link Channel} order (red, green, blue, yellow); unmodifiable
 * @param flags              the raised flags in declaration order, empty for a good field; unmodifiable
 */
public record QcReport(double focus, double laplacianVariance, double foregroundFraction, int nuclei,
                       List<StainStats> stains, Set<QcFlag> flags) {

    /**
     * @throws IllegalArgumentException if there is not one {@link StainStats} per stain or flags are missing
     */
    public QcReport {
        if (stains == null || stains.size() != Channel.values().length) {
            throw new IllegalArgumentException("a QC report needs the figures of all four stains, got "
                    + (stains == null ? "none" : stains.size()));
        }
        if (flags == null) {
            throw new IllegalArgumentException("flags must not be null (empty for a good field)");
        }
        stains = List.copyOf(stains);
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(QcFlag.class) : EnumSet.copyOf(flags));
    }

    /** The figures of one stain. */
    public StainStats stain(Channel channel) {
        return stains.get(channel.ordinal());
    }

    /** Whether no flag was raised. */
    public boolean passed() {
        return flags.isEmpty();
    }
}
