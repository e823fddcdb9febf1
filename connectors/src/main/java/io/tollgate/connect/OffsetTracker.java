package io.tollgate.connect;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: up to (not including) the oldest call of each partition that is
 * still waiting, in flight, or whose result is not yet written. A call is committed only once its
 * result is safely in Kafka.
 */
final class OffsetTracker {

    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();

    synchronized void begin(TopicPartition tp, long offset) {
        pending.computeIfAbsent(tp, p -> new TreeSet<>()).add(offset);
        next.merge(tp, offset + 1, Math::max);
    }

    synchronized void done(TopicPartition tp, long offset) {
        TreeSet<Long> offsets = pending.get(tp);
        if (offsets != null) {
            offsets.remove(offset);
        }
    }

    /** A record that needs no call (a dead letter): it only moves the committable offset on. */
    synchronized void skip(TopicPartition tp, long offset) {
        next.merge(tp, offset + 1, Math::max);
    }

    synchronized int pending() {
        return pending.values().stream().mapToInt(TreeSet::size).sum();
    }

    synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> assigned) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : assigned) {
            TreeSet<Long> waiting = pending.get(tp);
            Long upTo = waiting != null && !waiting.isEmpty() ? waiting.first() : next.get(tp);
            if (upTo != null) {
                offsets.put(tp, new OffsetAndMetadata(upTo));
            }
        }
        return offsets;
    }

    synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            pending.remove(tp);
            next.remove(tp);
        });
    }
}
