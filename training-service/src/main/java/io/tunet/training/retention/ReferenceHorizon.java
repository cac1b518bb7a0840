package io.tunet.training.retention;

import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How long after a blob was last written a record of the line's topics can still reference it, read from the
 * broker: a record that references a blob is produced after the blob was put (a put of bytes already there marks
 * them written again), and the broker deletes a record once the segment holding it is older than the topic's
 * {@code retention.ms}; a segment is closed at the latest after {@code segment.ms}, and a record may carry a
 * timestamp up to {@code message.timestamp.after.max.ms} in the future. So the horizon is the largest {@code
 * retention.ms + segment.ms + message.timestamp.after.max.ms} over the time-retained topics of the catalogue
 * (the compacted {@code models} topic is not time-retained; its artefacts are kept by name). A topic that keeps
 * records for ever ({@code retention.ms = -1}) has no horizon: nothing can be dated out of reach.
 */
public final class ReferenceHorizon {

    /**
     * What the broker says.
     *
     * @param horizon the horizon, or empty when a topic keeps records for ever
     * @param why which topic sets it, or keeps records for ever
     */
    public record Reading(Optional<Duration> horizon, String why) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Beyond this a topic is treated as keeping records for ever (the defaults of some settings are Long.MAX_VALUE). */
    static final Duration MAX_HORIZON = Duration.ofDays(3650);

    private ReferenceHorizon() {
    }

    /** The topics whose records may reference blobs for as long as the topic keeps them. */
    static List<Topic<?, ?>> timeRetainedTopics() {
        return Topics.all().stream().filter(t -> !t.compacted()).toList();
    }

    /** Reads the topics' configuration from the broker; a topic that does not exist yet is skipped. */
    public static Reading read(Admin admin) {
        List<ConfigResource> resources = new ArrayList<>();
        for (Topic<?, ?> topic : timeRetainedTopics()) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
        }
        Map<String, Retained> topics = new java.util.HashMap<>();
        admin.describeConfigs(resources).values().forEach((resource, future) -> {
            try {
                Config config = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                topics.put(resource.name(), new Retained(millis(config, TopicConfig.RETENTION_MS_CONFIG),
                        millis(config, TopicConfig.SEGMENT_MS_CONFIG),
                        millis(config, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG)));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot read the configuration of topic " + resource.name()
                            + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("the broker did not describe topic " + resource.name() + " within "
                        + TIMEOUT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading topic configurations", e);
            }
        });
        return of(topics);
    }

    /** One topic's settings, in milliseconds. */
    record Retained(long retentionMs, long segmentMs, long timestampAfterMaxMs) {
    }

    /** The horizon over {@code topics} (by name). */
    static Reading of(Map<String, Retained> topics) {
        if (topics.isEmpty()) {
            return new Reading(Optional.empty(), "none of the line's topics exists yet");
        }
        long longest = -1;
        String longestTopic = null;
        for (var entry : new java.util.TreeMap<>(topics).entrySet()) {
            Retained retained = entry.getValue();
            if (retained.retentionMs() < 0) {
                return new Reading(Optional.empty(), "topic " + entry.getKey() + " keeps its records for ever "
                        + "(retention.ms = " + retained.retentionMs() + ")");
            }
            long reach = saturatedSum(retained.retentionMs(), retained.segmentMs(), retained.timestampAfterMaxMs());
            if (reach > MAX_HORIZON.toMillis()) {
                return new Reading(Optional.empty(), "topic " + entry.getKey() + " can keep a record for over "
                        + MAX_HORIZON.toDays() + " days (retention.ms " + retained.retentionMs() + " + segment.ms "
                        + retained.segmentMs() + " + message.timestamp.after.max.ms " + retained.timestampAfterMaxMs()
                        + ")");
            }
            if (reach > longest) {
                longest = reach;
                longestTopic = entry.getKey();
            }
        }
        Retained set = topics.get(longestTopic);
        return new Reading(Optional.of(Duration.ofMillis(longest)), "topic " + longestTopic + ": retention.ms "
                + set.retentionMs() + " + segment.ms " + set.segmentMs() + " + message.timestamp.after.max.ms "
                + set.timestampAfterMaxMs());
    }

    private static long saturatedSum(long... values) {
        long sum = 0;
        for (long value : values) {
            sum = value > Long.MAX_VALUE - sum ? Long.MAX_VALUE : sum + value;
        }
        return sum;
    }

    private static long millis(Config config, String name) {
        ConfigEntry entry = config.get(name);
        if (entry == null || entry.value() == null) {
            throw new IllegalStateException("the broker did not report " + name);
        }
        return Long.parseLong(entry.value());
    }
}
