package io.tunet.results.queue;

import java.util.List;

/**
 * One sample of the label-next queue, its score and why (see {@link LabelQueue} for the formula).
 *
 * @param score        uncertainty + rarityBonus + abstainBonus
 * @param reason       the parts of the score in words
 * @param uncertainty  1 when a probability sits on its threshold, 0 when every one is as far from it as it can be
 * @param closest      the class whose probability is nearest its threshold (relative to the room on that side)
 * @param rarityBonus  weighted rarity of the rarest predicted class; 0 when none is rare
 * @param rareClass    that class and its share of samples, null when none is rare
 * @param abstainBonus added when no probability reaches its threshold
 * @param disagreementBonus added when a shadowed version's labels on the sample differ from the champion's
 * @param disagreement the newest such shadowed version, the champion beside it and the classes they disagree on; null
 *                     when none disagrees
 */
public record QueueItem(String sampleId, String plate, String well, int field, String modelName, long modelVersion,
                        double score, String reason, double uncertainty, Closest closest, double rarityBonus,
                        Rare rareClass, double abstainBonus, boolean abstains, double disagreementBonus,
                        Disagreement disagreement) {

    /** A shadowed version whose label set on the sample differs from the champion's it ran beside. */
    public record Disagreement(long championVersion, long shadowVersion, List<DisagreeingClass> classes) {
    }

    /** A class exactly one of the two predicts. */
    public record DisagreeingClass(int classIndex, String className, boolean champion, boolean shadow) {
    }

    /** A class's probability and the threshold stored with it. */
    public record Closest(int classIndex, String className, double probability, double threshold) {
    }

    /** A predicted class and the fraction of samples (latest prediction each) that predict it. */
    public record Rare(int classIndex, String className, double share) {
    }
}
