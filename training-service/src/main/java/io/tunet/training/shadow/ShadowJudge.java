package io.tunet.training.shadow;

import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.ShadowClassification;
import io.tunet.training.promotion.GateDecision;
import io.tunet.training.promotion.LiveGate;
import io.tunet.training.promotion.ShadowSettings;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelRegistryView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The live gate's judge: keeps the shadow verdicts ({@code classifications-shadow}) of the versions still waiting
 * as CANDIDATE, joins each shadowed sample with its curator labels as they stand when it judges (labels may come
 * before or after the shadow record), and publishes a waiting candidate's verdict to {@code models} once
 * {@link LiveGate#judge} gives one, or its rejection once its wait has run out ({@link LiveGate#timedOut}).
 *
 * <p>Only samples served by the current champion count ({@code championVersion}): the candidate is compared with the
 * model it would replace. A candidate older than the champion is rejected as superseded by it. A sample shadowed twice counts once, with its latest record. Records of other model
 * names and of versions not waiting are not kept, so memory holds the waiting candidates' samples only.
 *
 * <p>Thread-safe: the loop feeds and judges on its thread; {@link #waiting()} may be read from any.
 */
public final class ShadowJudge {

    /** What the judge reports, for metrics and the log. */
    public interface Listener {
        /** A verdict was published. */
        void verdict(ModelVersion verdict);

        Listener NONE = verdict -> {
        };
    }

    /** How far a waiting candidate is: its shadowed samples and how many of them carry curator labels. */
    public record Waiting(long version, int shadowed, int labelled) {
    }

    private record Shadowed(int[] predicted, long championVersion, int[] championLabels) {
    }

    private static final Logger LOG = Logger.getLogger(ShadowJudge.class);

    private final ModelRegistryView registry;
    private final ModelPublisher publisher;
    private final Function<String, Optional<int[]>> curatorLabels;
    private final LiveGate gate;
    private final Clock clock;
    private final Listener listener;
    /** The latest shadow record of each sample, by waiting version. */
    private final Map<Long, Map<String, Shadowed>> shadowed = new HashMap<>();
    private volatile List<Waiting> waiting = List.of();

    /**
     * @param curatorLabels a sample's curator classes ({@code DatasetIndex::curatorLabels})
     * @param settings the live gate's rules; must be {@link ShadowSettings#enabled() enabled}
     */
    public ShadowJudge(ModelRegistryView registry, ModelPublisher publisher,
            Function<String, Optional<int[]>> curatorLabels, ShadowSettings settings, Clock clock, Listener listener) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("the live gate is off (0 samples): there is nothing to judge");
        }
        this.registry = registry;
        this.publisher = publisher;
        this.curatorLabels = curatorLabels;
        this.gate = new LiveGate(settings);
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Takes a shadow record; kept only if it is of a version of this model name still waiting as CANDIDATE, or of a
     * version newer than any the registry knows (inference may shadow a candidate in the instant between its
     * publication and the registry view taking it in).
     */
    public synchronized void accept(ShadowClassification record) {
        if (!registry.modelName().equals(record.getModelName()) || !relevant(record.getShadowVersion())) {
            return;
        }
        shadowed.computeIfAbsent(record.getShadowVersion(), v -> new HashMap<>()).put(record.getSampleId(),
                new Shadowed(ints(record.getPredictedLabels()), record.getChampionVersion(),
                        ints(record.getChampionLabels())));
    }

    /**
     * Judges every waiting candidate and publishes the verdicts that are due, in one transaction.
     *
     * @return what was published (empty while every candidate waits)
     * @throws org.apache.kafka.common.KafkaException if the verdicts cannot be published (nothing is; the next call
     *     decides again)
     */
    public synchronized List<ModelVersion> judge() {
        Instant now = clock.instant();
        List<Waiting> progress = new ArrayList<>();
        List<ModelVersion> verdicts = registry.publish(publisher, view -> {
            Optional<ModelVersion> champion = view.champion();
            List<ModelVersion> due = new ArrayList<>();
            for (ModelVersion candidate : view.waitingCandidates()) {
                if (champion.isPresent() && candidate.getVersion() < champion.get().getVersion()) {
                    // a newer version serves already (promoted by hand, or while the live gate was off)
                    due.add(LiveGate.verdict(candidate, false, "superseded by champion v"
                            + champion.get().getVersion(), now));
                    continue;
                }
                Map<String, Shadowed> samples = shadowed.getOrDefault(candidate.getVersion(), Map.of());
                List<LiveGate.Observation> labelled = new ArrayList<>();
                if (champion.isPresent()) {
                    long championVersion = champion.get().getVersion();
                    samples.forEach((sampleId, s) -> {
                        if (s.championVersion() == championVersion) {
                            curatorLabels.apply(sampleId).ifPresent(truth -> labelled.add(
                                    new LiveGate.Observation(s.predicted(), s.championLabels(), truth)));
                        }
                    });
                }
                Optional<GateDecision> decision = champion.flatMap(c -> gate.judge(labelled, c.getVersion()));
                if (decision.isEmpty() && gate.expired(candidate, now)) {
                    decision = Optional.of(gate.timedOut(labelled.size()));
                }
                if (decision.isPresent()) {
                    due.add(LiveGate.verdict(candidate, decision.get().promoted(), decision.get().summary(), now));
                } else {
                    progress.add(new Waiting(candidate.getVersion(), samples.size(), labelled.size()));
                }
            }
            return due;
        });
        shadowed.keySet().removeIf(version -> !relevant(version));
        waiting = List.copyOf(progress);
        for (ModelVersion verdict : verdicts) {
            LOG.infof("live gate: %s v%d %s: %s", verdict.getModelName(), verdict.getVersion(), verdict.getStatus(),
                    verdict.getStatusReason());
            listener.verdict(verdict);
        }
        return verdicts;
    }

    /** The candidates still waiting after the last {@link #judge()}, oldest first. */
    public List<Waiting> waiting() {
        return waiting;
    }

    private boolean relevant(long version) {
        return registry.isWaiting(version) || version > registry.newestVersion();
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
