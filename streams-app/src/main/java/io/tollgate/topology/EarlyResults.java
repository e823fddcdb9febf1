package io.tollgate.topology;

import io.tollgate.avro.DispatchResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Results handed to the limiter's tasks ahead of their own consumer. A stream thread reads its fetched
 * records first in, first out, and behind a burst of requests the results wait there for seconds: every
 * window that waits for a result to learn when the vendor saw a call waits with them. A reader of its own
 * ({@code EarlyResultsReader}) offers each result here the moment it is written; the task owning its
 * partition applies it at its next punctuation, and its own copy, when it comes, is recognised and skipped.
 *
 * <p>Nothing here is needed for correctness: a result dropped here (its partition is not claimed on this
 * instance, its queue is full, it cannot be read) still comes through the task's own consumer. Thread-safe:
 * the reader offers, each task takes its partition's results.
 */
public final class EarlyResults {

    /** A result as written: its key and value bytes. */
    public record Raw(String key, byte[] value) {
    }

    /** For a topology without a reader (tests, or {@code results.read.ahead=false}): nothing is ever offered. */
    public static final EarlyResults NONE = new EarlyResults(0);

    private final int capacityPerPartition;
    private final Map<Integer, ArrayDeque<Raw>> claimed = new ConcurrentHashMap<>();

    /** @param capacityPerPartition results kept per partition until its task takes them; the oldest go first */
    public EarlyResults(int capacityPerPartition) {
        this.capacityPerPartition = capacityPerPartition;
    }

    /**
     * The task of {@code partition} runs here: keep its results from now on, for this claim only. A task that
     * moved to another thread of this instance may close after its successor claimed: its release leaves the
     * successor's claim alone.
     */
    Claim claim(int partition) {
        if (capacityPerPartition == 0) {
            return new Claim(partition, null);
        }
        ArrayDeque<Raw> queue = new ArrayDeque<>();
        claimed.put(partition, queue);
        return new Claim(partition, queue);
    }

    /** Offers a result written to {@code partition}; false if no task here claims it. */
    public boolean offer(int partition, Raw result) {
        ArrayDeque<Raw> queue = claimed.get(partition);
        if (queue == null) {
            return false;
        }
        synchronized (queue) {
            if (queue.size() >= capacityPerPartition) {
                queue.pollFirst();
            }
            queue.addLast(result);
        }
        return true;
    }

    /** One task's hold on its partition's results. */
    final class Claim {
        private final int partition;
        private final ArrayDeque<Raw> queue;

        private Claim(int partition, ArrayDeque<Raw> queue) {
            this.partition = partition;
            this.queue = queue;
        }

        /** Takes every result offered since the last take, oldest first. */
        List<Raw> take() {
            if (queue == null) {
                return List.of();
            }
            synchronized (queue) {
                if (queue.isEmpty()) {
                    return List.of();
                }
                List<Raw> taken = new ArrayList<>(queue);
                queue.clear();
                return taken;
            }
        }

        /** The task left: its results are no longer this instance's to apply, unless a successor claimed them. */
        void release() {
            if (queue != null) {
                claimed.remove(partition, queue);
            }
        }
    }

    /**
     * The results a task applied ahead of its consumer, so that their own records are skipped when they come.
     * Bounded: a result whose record comes after this many others were applied ahead is matched by the
     * in-flight ledger instead, and only counted as unmatched.
     */
    static final class Applied {
        private static final int REMEMBERED = 100_000;
        // The task's own thread only: no locking.
        private final Map<String, Boolean> keys = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        };

        /** Names one dispatch's result: the same call sent again (another attempt or slot) has another. */
        static String keyOf(DispatchResult result) {
            return result.getAccount() + '\n' + result.getRequestId() + '\n' + result.getAttempt() + '\n' + result.getExecuteAt();
        }

        void add(DispatchResult result) {
            keys.put(keyOf(result), Boolean.TRUE);
        }

        /** Whether {@code result} was applied ahead; forgets it, as its own record comes once. */
        boolean remove(DispatchResult result) {
            return keys.remove(keyOf(result)) != null;
        }

        void clear() {
            keys.clear();
        }
    }
}
