package io.tollgate.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads the stores of one partition of this instance with IQv2, active replica only, and gathers the
 * position of every read (the changelog offsets the answer reflects). Under exactly-once a read can see
 * writes of the transaction still open: at most one commit interval (100 ms by default) ahead of what is
 * committed.
 */
public final class PartitionReader {

    /** How many entries one range read returns at most: an account's stores are bounded well below it. */
    static final int MAX_RANGE = 100_000;

    private final KafkaStreams streams;
    private final int partition;
    private final Map<String, Map<Integer, Long>> position = new TreeMap<>();

    public PartitionReader(KafkaStreams streams, int partition) {
        this.streams = streams;
        this.partition = partition;
    }

    public int partition() {
        return partition;
    }

    /** Changelog offsets the reads so far reflect, by topic and partition. */
    public Map<String, Map<Integer, Long>> position() {
        return position;
    }

    public byte[] get(String store, Bytes key) {
        return run(store, KeyQuery.<Bytes, byte[]>withKey(key));
    }

    /** Entries with keys from {@code from} (inclusive) up to {@code to} (exclusive), in key order. */
    public List<KeyValue<Bytes, byte[]>> range(String store, Bytes from, Bytes to) {
        List<KeyValue<Bytes, byte[]>> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = run(store, RangeQuery.<Bytes, byte[]>withRange(from, to))) {
            while (it.hasNext() && out.size() < MAX_RANGE) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (kv.key.compareTo(to) < 0) {
                    out.add(kv);
                }
            }
        } catch (InvalidStateStoreException e) {
            // The store closed under the read: the task is moving.
            throw new Unavailable("partition " + partition + " of " + store + " closed during the read: it is moving");
        }
        return out;
    }

    private <R> R run(String store, Query<R> query) {
        StateQueryRequest<R> request = StateQueryRequest.inStore(store).withQuery(query).withPartitions(Set.of(partition)).requireActive();
        StateQueryResult<R> result;
        try {
            result = streams.query(request);
        } catch (RuntimeException e) {
            // Thrown while the app starts or stops (not RUNNING or REBALANCING).
            throw new Unavailable("the store " + store + " cannot be queried now (" + streams.state() + ")");
        }
        QueryResult<R> answer = result.getPartitionResults().get(partition);
        if (answer == null) {
            throw new Unavailable("partition " + partition + " of " + store + " is not on this instance");
        }
        if (answer.isFailure()) {
            FailureReason reason = answer.getFailureReason();
            // STORE_EXCEPTION too: a store closed while its task moves fails the read that way.
            if (reason == FailureReason.NOT_ACTIVE || reason == FailureReason.NOT_PRESENT || reason == FailureReason.NOT_UP_TO_BOUND
                    || reason == FailureReason.STORE_EXCEPTION) {
                throw new Unavailable("partition " + partition + " of " + store + " is " + reason + " here: it is moving");
            }
            throw new IllegalStateException("query of " + store + " failed: " + reason + " " + answer.getFailureMessage());
        }
        record(answer.getPosition());
        return answer.getResult();
    }

    private void record(Position p) {
        if (p == null) {
            return;
        }
        for (String topic : p.getTopics()) {
            Map<Integer, Long> offsets = position.computeIfAbsent(topic, t -> new TreeMap<>());
            p.getPartitionPositions(topic).forEach((part, offset) -> offsets.merge(part, offset, Math::max));
        }
    }
}
