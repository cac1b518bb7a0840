package io.tunet.training.promotion;

import java.time.Duration;

/**
 * The live gate's rules (issue #19 §3): a challenger that passed the offline gate is published as CANDIDATE,
 * inference shadows it on a fraction of live samples beside the champion, and it is promoted only on curator
 * labels of those samples.
 *
 * @param samples curator-labelled shadowed samples needed for a verdict; 0 turns the live gate off (the offline
 *     gate's verdict is published at once, as before)
 * @param margin how far one judged class's F1 may fall below the champion's on the same samples
 * @param minPositives curator-labelled positives a class needs among those samples to be judged at all
 * @param maxWait a candidate without a verdict this long after it was published is rejected
 */
public record ShadowSettings(int samples, double margin, int minPositives, Duration maxWait) {

    /** No live gate: today's behaviour. */
    public static final ShadowSettings OFF = new ShadowSettings(0, 0.05, 3, Duration.ofDays(7));

    public ShadowSettings {
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be 0 (no live gate) or positive, got " + samples);
        }
        if (!(margin >= 0 && margin <= 1)) {
            throw new IllegalArgumentException("margin must be in [0, 1] (an F1 difference), got " + margin);
        }
        if (minPositives < 1) {
            throw new IllegalArgumentException("min-positives must be at least 1 (a class without positives has no "
                    + "F1), got " + minPositives);
        }
        if (maxWait == null || maxWait.isZero() || maxWait.isNegative()) {
            throw new IllegalArgumentException("max-wait must be a positive duration, got " + maxWait);
        }
    }

    /** Whether challengers wait for a live verdict. */
    public boolean enabled() {
        return samples > 0;
    }
}
