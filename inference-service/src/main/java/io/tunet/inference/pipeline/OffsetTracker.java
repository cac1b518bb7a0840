package io.tunet.inference.pipeline;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which polled offsets are done (outputs acknowledged by the broker), per partition. Samples finish out of
 * order (batches, dead letters), but an offset may only be committed once everything before it is done:
 * {@link #committable()} gives, per partition, the offset after the longest done prefix. Thread-safe.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, TreeMap<Long, Boolean>> pending = new HashMap<>();

    /** Records that {@code offset} was polled and is being processed. */
    public synchronized void register(TopicPartition partition, long offset) {
        pending.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, Boolean.FALSE);
    }

    /** Records that {@code offset} is done; offsets of partitions no longer tracked are ignored. */
    public synchronized void complete(TopicPartition partition, long offset) {
        TreeMap<Long, Boolean> offsets = pending.get(partition);
        if (offsets != null && offsets.containsKey(offset)) {
            offsets.put(offset, Boolean.TRUE);
        }
    }

    /**
     * The offsets to commit now: per partition whose oldest tracked offsets are done, the offset after the
     * last of them. Those offsets stop being tracked.
     */
    public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, Boolean>> entry : pending.entrySet()) {
            TreeMap<Long, Boolean> offsets = entry.getValue();
            long next = -1;
            while (!offsets.isEmpty() && offsets.firstEntry().getValue()) {
                next = offsets.pollFirstEntry().getKey() + 1;
            }
            if (next >= 0) {
                commits.put(entry.getKey(), new OffsetAndMetadata(next));
            }
        }
        return commits;
    }

    /** Offsets registered and not yet committable, over all partitions. */
    public synchronized int outstanding() {
        return pending.values().stream().mapToInt(TreeMap::size).sum();
    }

    /** Stops tracking partitions this consumer no longer owns. */
    public synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(pending::remove);
    }
}
