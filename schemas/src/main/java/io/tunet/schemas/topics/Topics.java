package io.tunet.schemas.topics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.IncompleteSample;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.ShadowClassification;
import io.tunet.schemas.serde.AvroSerdes;

/**
 * The catalogue of every topic of the line (DESIGN §1). Keys are sample ids except on {@code models}, keyed
 * by {@link #modelKey(String, long)} and compacted so the latest record of every version is kept: a REJECTED
 * challenger published after a PROMOTED champion must not compact the champion away.
 */
public final class Topics {

    private static final int MIB = 1024 * 1024;
    /** Data topics are split for scale-out; six partitions lets up to six instances of a service share work. */
    private static final int DATA_PARTITIONS = 6;

    /** Single-stain acquisitions from microscopes. Inline images stay small (claim check above a threshold). */
    public static final Topic<String, Acquisition> ACQUISITIONS = new Topic<>("acquisitions",
            Serdes.String(), AvroSerdes.of(Acquisition.class), DATA_PARTITIONS, 4 * MIB, Map.of());

    /** Complete four-stain samples; up to four inline images, so twice the acquisitions' limit. */
    public static final Topic<String, Sample> SAMPLES = new Topic<>("samples",
            Serdes.String(), AvroSerdes.of(Sample.class), DATA_PARTITIONS, 8 * MIB, Map.of());

    /** Samples that timed out with stains missing, carrying what did arrive. */
    public static final Topic<String, IncompleteSample> SAMPLES_INCOMPLETE = new Topic<>("samples-incomplete",
            Serdes.String(), AvroSerdes.of(IncompleteSample.class), DATA_PARTITIONS, 8 * MIB, Map.of());

    /** Acquisitions ingest could not use, with the reason and the original payload. */
    public static final Topic<String, DeadLetter> ACQUISITIONS_DLQ = new Topic<>("acquisitions-dlq",
            Serdes.String(), AvroSerdes.of(DeadLetter.class), DATA_PARTITIONS, 8 * MIB, Map.of());

    /** Samples inference could not use (undecodable record, missing or corrupt blob). */
    public static final Topic<String, DeadLetter> SAMPLES_DLQ = new Topic<>("samples-dlq",
            Serdes.String(), AvroSerdes.of(DeadLetter.class), DATA_PARTITIONS, 16 * MIB, Map.of());

    /** One classification per sample and model version. */
    public static final Topic<String, Classification> CLASSIFICATIONS = new Topic<>("classifications",
            Serdes.String(), AvroSerdes.of(Classification.class), DATA_PARTITIONS, MIB, Map.of());

    /**
     * Shadowed versions' verdicts on a configured fraction of live samples, beside the champion's (issue #19
     * §3); never served. Time-retained like the other data topics.
     */
    public static final Topic<String, ShadowClassification> CLASSIFICATIONS_SHADOW = new Topic<>(
            "classifications-shadow", Serdes.String(), AvroSerdes.of(ShadowClassification.class), DATA_PARTITIONS,
            MIB, Map.of());

    /** Run-length encoded masks of the predicted classes. */
    public static final Topic<String, SegmentationMask> MASKS = new Topic<>("masks",
            Serdes.String(), AvroSerdes.of(SegmentationMask.class), DATA_PARTITIONS, 4 * MIB, Map.of());

    /** Curators' labels. */
    public static final Topic<String, LabelFeedback> FEEDBACK = new Topic<>("feedback",
            Serdes.String(), AvroSerdes.of(LabelFeedback.class), DATA_PARTITIONS, MIB, Map.of());

    /** Feedback that could not be used (unknown sample after the wait, bad label index). */
    public static final Topic<String, DeadLetter> FEEDBACK_DLQ = new Topic<>("feedback-dlq",
            Serdes.String(), AvroSerdes.of(DeadLetter.class), DATA_PARTITIONS, MIB, Map.of());

    /**
     * Records the results sink gave up on after its attempts (a row the database refuses while it is up, a
     * fault in the sink); the sink reads it back as incidents. The largest record it consumes is a sample, so
     * it allows twice the samples' limit.
     */
    public static final Topic<String, DeadLetter> RESULTS_DLQ = new Topic<>("results-dlq",
            Serdes.String(), AvroSerdes.of(DeadLetter.class), DATA_PARTITIONS, 16 * MIB, Map.of());

    /** The model registry: latest ModelVersion per model version; one partition keeps versions ordered. */
    public static final Topic<String, ModelVersion> MODELS = new Topic<>("models",
            Serdes.String(), AvroSerdes.of(ModelVersion.class), 1, MIB,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));

    private static final List<Topic<?, ?>> ALL = List.of(ACQUISITIONS, SAMPLES, SAMPLES_INCOMPLETE,
            ACQUISITIONS_DLQ, SAMPLES_DLQ, CLASSIFICATIONS, CLASSIFICATIONS_SHADOW, MASKS, FEEDBACK, FEEDBACK_DLQ, RESULTS_DLQ, MODELS);

    private Topics() {
    }

    /** The key of a {@code models} record: {@code <modelName>/<version>}. */
    public static String modelKey(String modelName, long version) {
        return modelName + "/" + version;
    }

    /** Every topic of the line. */
    public static List<Topic<?, ?>> all() {
        return ALL;
    }

    /** The largest record any topic accepts: what producers' {@code max.request.size} must allow. */
    public static int largestMessageBytes() {
        return ALL.stream().mapToInt(Topic::maxMessageBytes).max().orElseThrow();
    }

    /**
     * Creates every catalogue topic that does not exist yet; existing topics are left as they are.
     *
     * @return the names of the topics created by this call
     */
    public static Set<String> createMissing(Admin admin, short replicationFactor)
            throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = ALL.stream()
                .filter(t -> !existing.contains(t.name()))
                .map(t -> t.newTopic(replicationFactor))
                .toList();
        try {
            admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
            // Another instance created it between our list and create: the topic exists, which is the goal.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        return missing.stream().map(NewTopic::name).collect(Collectors.toUnmodifiableSet());
    }
}
