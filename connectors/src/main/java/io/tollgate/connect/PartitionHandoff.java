package io.tollgate.connect;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * Passes a dispatch partition from one owner to the next, so that the next can tell the calls no earlier owner
 * received (send them as its own) from those one may have started (wait for their results or leases). See
 * {@link HandoffMarker} for what is written and when it is trusted.
 */
interface PartitionHandoff extends AutoCloseable {

    /** No markers: every call whose slot opened before the partition came is treated as perhaps started elsewhere. */
    PartitionHandoff NONE = new PartitionHandoff() {
        @Override
        public Map<TopicPartition, Tenure> begin(Collection<TopicPartition> partitions) {
            return partitions.stream().collect(Collectors.toMap(Function.identity(),
                    tp -> new Tenure(tp, UUID.randomUUID().toString(), OptionalLong.empty(), OptionalLong.empty())));
        }

        @Override
        public void end(Map<Tenure, Long> receivedUpTo) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * One owner's hold on a partition.
     *
     * @param unseenAbove offsets above this were received by no earlier owner; empty when that is not known
     * @param endAtStart the partition's end offset when the tenure began: no earlier owner received one at or above
     *     it, since each had let the partition go or died by then (Connect's group protocol; a worker cut off from its
     *     group but still running, which Connect does not fence for sink tasks, is outside this); empty when it could
     *     not be read
     */
    record Tenure(TopicPartition partition, String owner, OptionalLong unseenAbove, OptionalLong endAtStart) {

        boolean unseenBefore(long offset) {
            return unseenAbove.isPresent() && offset > unseenAbove.getAsLong();
        }

        /**
         * What this tenure's stop can vouch for, having received offsets up to {@code receivedUpTo} (-1: none): never
         * less than what its predecessor vouched for.
         */
        OptionalLong sawUpTo(long receivedUpTo) {
            return endAtStart.isPresent()
                    ? OptionalLong.of(Math.max(Math.max(receivedUpTo, endAtStart.getAsLong() - 1), unseenAbove.orElse(-1)))
                    : OptionalLong.empty();
        }
    }

    /**
     * Records that this task now owns {@code partitions}, before any of their calls is started, and reads what their
     * previous owners left. Throws when the start cannot be recorded: a later owner would otherwise trust an older
     * stop over calls this task started.
     */
    Map<TopicPartition, Tenure> begin(Collection<TopicPartition> partitions);

    /**
     * Records that these tenures ended, with the highest offset each received (-1: none); a failure is logged, and the
     * next owner knows nothing.
     */
    void end(Map<Tenure, Long> receivedUpTo);

    @Override
    void close();
}
