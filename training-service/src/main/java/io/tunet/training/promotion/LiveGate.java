package io.tunet.training.promotion;

import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The live gate (issue #19 §3): what a run publishes after the offline gate, and the verdict on a shadowed
 * candidate from curator labels of live samples.
 *
 * <p>With the live gate on, a challenger that passes the offline gate against a champion is published as CANDIDATE
 * only; inference shadows it on live samples beside the champion. Once {@link ShadowSettings#samples()} of those
 * samples carry curator labels, each class with at least {@link ShadowSettings#minPositives()} labelled positives
 * among them is judged: the shadow's F1 and the champion's F1 against the curator labels. The candidate is
 * PROMOTED if no judged class's shadow F1 is below the champion's by more than {@link ShadowSettings#margin()},
 * else REJECTED naming the classes. Classes with fewer positives are not judged and not averaged in: an absent
 * class has no F1. The first model (no champion: nothing to compare with live) is decided offline as before.
 */
public final class LiveGate {

    /** Ends a CANDIDATE's reason; the verdict keeps the part before it. */
    private static final String SHADOWED = "; shadowed on live traffic until ";

    /**
     * One shadowed live sample with its curator labels.
     *
     * @param shadow the candidate's predicted classes
     * @param champion the champion's predicted classes on the same sample
     * @param curator the curator's classes
     */
    public record Observation(int[] shadow, int[] champion, int[] curator) {
    }

    private final ShadowSettings settings;

    public LiveGate(ShadowSettings settings) {
        this.settings = settings;
    }

    /**
     * What a run publishes for its challenger, in one transaction: without a live gate, or for the first model,
     * CANDIDATE and the offline verdict (as before the live gate); with it, a challenger that passed the offline
     * gate as CANDIDATE only, and one that failed REJECTED as before. A challenger that passes (offline, or
     * offline and now waiting live) supersedes every candidate still waiting: those are REJECTED in the same
     * transaction.
     *
     * @param candidate the challenger's CANDIDATE record (signed, no reason)
     * @param offline the offline gate's decision
     * @param shadowable whether inference can shadow it ({@link #shadowable}); when not, the offline verdict stands
     * @param waiting the versions still CANDIDATE before this one
     */
    public List<ModelVersion> afterOfflineGate(ModelVersion candidate, GateDecision offline, boolean shadowable,
            List<ModelVersion> waiting, Instant now) {
        List<ModelVersion> records = new ArrayList<>();
        if (settings.enabled() && shadowable && offline.promoted()) {
            records.add(ModelVersion.newBuilder(candidate)
                    .setStatusReason("passed the offline gate: " + offline.summary() + SHADOWED + settings.samples()
                            + " curator-labelled shadowed samples")
                    .build());
        } else {
            records.add(candidate);
            records.add(ModelVersion.newBuilder(candidate)
                    .setStatus(offline.promoted() ? ModelStatus.PROMOTED : ModelStatus.REJECTED)
                    .setStatusReason(offline.summary())
                    .setCreatedAt(now)
                    .build());
        }
        if (offline.promoted()) {
            for (ModelVersion older : waiting) {
                if (older.getVersion() != candidate.getVersion()) {
                    records.add(verdict(older, false, "superseded by v" + candidate.getVersion(), now));
                }
            }
        }
        return records;
    }

    /**
     * Whether inference can shadow {@code candidate} beside {@code champion}: there is a champion (the first model
     * is decided offline: nothing to compare with live), and it takes the same input size (a shadow runs on the
     * tensors decoded for the champion; inference refuses any other, so such a candidate would wait for evidence that
     * never comes).
     */
    public static boolean shadowable(Optional<ModelVersion> champion, ModelVersion candidate) {
        return champion.map(c -> c.getInputSize() == candidate.getInputSize()).orElse(false);
    }

    /**
     * The verdict on shadowed samples that carry curator labels, or empty while there is not enough evidence:
     * fewer than {@link ShadowSettings#samples()} of them, or no class with enough labelled positives.
     */
    public Optional<GateDecision> judge(List<Observation> labelled, long championVersion) {
        if (labelled.size() < settings.samples()) {
            return Optional.empty();
        }
        Scores scores = Scores.of(labelled, settings.minPositives());
        if (scores.judged() == 0) {
            return Optional.empty();
        }
        List<String> failures = new ArrayList<>();
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            if (!scores.isJudged(c)) {
                continue;
            }
            double behind = scores.champion[c] - scores.shadow[c];
            if (behind > settings.margin()) {
                failures.add(String.format(Locale.ROOT,
                        "class %d (%s) F1 %.4f below champion v%d's %.4f by %.4f (more than %.4f; %d labelled positives)",
                        c, HpaClasses.name(c), scores.shadow[c], championVersion, scores.champion[c], behind,
                        settings.margin(), scores.positives[c]));
            }
        }
        String evidence = String.format(Locale.ROOT,
                "macro-F1 over %d judged classes (at least %d labelled positives) %.4f vs champion v%d's %.4f",
                scores.judged(), settings.minPositives(), scores.shadowMacro(), championVersion,
                scores.championMacro());
        String head = "live gate on " + labelled.size() + " curator-labelled shadowed samples: ";
        if (!failures.isEmpty()) {
            return Optional.of(new GateDecision(false, List.of(head + String.join("; ", failures), evidence)));
        }
        return Optional.of(new GateDecision(true, List.of(head + String.format(Locale.ROOT,
                "no judged class's F1 below champion v%d's by more than %.4f", championVersion, settings.margin()),
                evidence)));
    }

    /** The rejection of a candidate whose wait ran out without a verdict. */
    public GateDecision timedOut(int labelled) {
        String reason = "not enough live evidence: " + labelled + " of " + settings.samples()
                + " labelled shadowed samples in " + format(settings.maxWait());
        if (labelled >= settings.samples()) {
            reason += ", no class with " + settings.minPositives() + " labelled positives among them";
        }
        return new GateDecision(false, List.of(reason));
    }

    /** Whether {@code candidate}'s wait has run out at {@code now} (counted from its CANDIDATE record). */
    public boolean expired(ModelVersion candidate, Instant now) {
        return !now.isBefore(candidate.getCreatedAt().plus(settings.maxWait()));
    }

    /**
     * The verdict record for a waiting candidate: its record with the status, the reason (followed by what the
     * offline gate said, which the compacted topic would otherwise lose with the CANDIDATE record) and the time.
     * The signature stays valid: it does not cover the status.
     */
    public static ModelVersion verdict(ModelVersion candidate, boolean promoted, String reason, Instant now) {
        String before = candidate.getStatusReason();
        if (before != null && before.contains(SHADOWED)) {
            reason += "; " + before.substring(0, before.indexOf(SHADOWED));
        }
        return ModelVersion.newBuilder(candidate)
                .setStatus(promoted ? ModelStatus.PROMOTED : ModelStatus.REJECTED)
                .setStatusReason(reason)
                .setCreatedAt(now)
                .build();
    }

    /** A duration as an operator writes it: "7d", "36h", "90m" or, for anything finer, the ISO form. */
    public static String format(Duration duration) {
        if (duration.toSeconds() % 86_400 == 0 && duration.getNano() == 0) {
            return duration.toDays() + "d";
        }
        if (duration.toSeconds() % 3_600 == 0 && duration.getNano() == 0) {
            return duration.toHours() + "h";
        }
        if (duration.toSeconds() % 60 == 0 && duration.getNano() == 0) {
            return duration.toMinutes() + "m";
        }
        return duration.toString();
    }

    /** Per-class F1 of shadow and champion against the curator labels, for the classes with enough positives. */
    private record Scores(double[] shadow, double[] champion, int[] positives, int minPositives) {

        static Scores of(List<Observation> labelled, int minPositives) {
            int[] positives = new int[HpaClasses.COUNT];
            int[][] shadowCounts = new int[HpaClasses.COUNT][3];
            int[][] championCounts = new int[HpaClasses.COUNT][3];
            for (Observation o : labelled) {
                boolean[] truth = mask(o.curator());
                count(truth, mask(o.shadow()), shadowCounts);
                count(truth, mask(o.champion()), championCounts);
                for (int c = 0; c < HpaClasses.COUNT; c++) {
                    positives[c] += truth[c] ? 1 : 0;
                }
            }
            double[] shadow = new double[HpaClasses.COUNT];
            double[] champion = new double[HpaClasses.COUNT];
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                shadow[c] = f1(shadowCounts[c]);
                champion[c] = f1(championCounts[c]);
            }
            return new Scores(shadow, champion, positives, minPositives);
        }

        boolean isJudged(int c) {
            return positives[c] >= minPositives;
        }

        int judged() {
            int n = 0;
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                n += isJudged(c) ? 1 : 0;
            }
            return n;
        }

        double shadowMacro() {
            return macro(shadow);
        }

        double championMacro() {
            return macro(champion);
        }

        private double macro(double[] f1) {
            double sum = 0;
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                sum += isJudged(c) ? f1[c] : 0;
            }
            return sum / judged();
        }

        /** {@code counts[c]} = true positives, false positives, false negatives. */
        private static void count(boolean[] truth, boolean[] predicted, int[][] counts) {
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                if (truth[c] && predicted[c]) {
                    counts[c][0]++;
                } else if (predicted[c]) {
                    counts[c][1]++;
                } else if (truth[c]) {
                    counts[c][2]++;
                }
            }
        }

        /** 2TP / (2TP + FP + FN); NaN for a class neither predicted nor present (never judged). */
        private static double f1(int[] counts) {
            int denominator = 2 * counts[0] + counts[1] + counts[2];
            return denominator == 0 ? Double.NaN : 2.0 * counts[0] / denominator;
        }

        private static boolean[] mask(int[] classes) {
            boolean[] mask = new boolean[HpaClasses.COUNT];
            for (int c : classes) {
                if (c >= 0 && c < HpaClasses.COUNT) {
                    mask[c] = true;
                }
            }
            return mask;
        }
    }
}
