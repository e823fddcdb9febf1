package io.tollgate.connect;

import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each dispatched call in its slot: not before {@code execute_at}, and only while enough of the
 * slot is left before {@code expires_at}. The limiter counted the call for that slot; sent later, it
 * could meet calls of the next window at the vendor. A call past its slot is returned as STALE and
 * waits again in the limiter. Nothing here sleeps: calls wait on a timer, HTTP is asynchronous.
 */
final class DispatchScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchScheduler.class);

    private final VendorSender sender;
    private final ResultPublisher results;
    private final OffsetTracker offsets;
    private final LongSupplier clock;
    private final long sendMarginMs;
    private final ScheduledExecutorService timer;
    private final Map<TopicPartition, Set<Slot>> waiting = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> fatal = new AtomicReference<>();

    DispatchScheduler(VendorSender sender, ResultPublisher results, OffsetTracker offsets, LongSupplier clock, long sendMarginMs) {
        this.sender = sender;
        this.results = results;
        this.offsets = offsets;
        this.clock = clock;
        this.sendMarginMs = sendMarginMs;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-dispatch-timer");
            t.setDaemon(true);
            return t;
        });
    }

    void submit(TopicPartition tp, long offset, DispatchedCall call) {
        offsets.begin(tp, offset);
        Slot slot = new Slot(tp, offset, call);
        waiting.computeIfAbsent(tp, p -> ConcurrentHashMap.newKeySet()).add(slot);
        slot.future = timer.schedule(slot, Math.max(0, call.getExecuteAt().toEpochMilli() - clock.getAsLong()), TimeUnit.MILLISECONDS);
    }

    /** A call waiting for its slot. Cancelled when its partition is revoked, so only one owner sends it. */
    private final class Slot implements Runnable {
        private final TopicPartition tp;
        private final long offset;
        private final DispatchedCall call;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> future;

        Slot(TopicPartition tp, long offset, DispatchedCall call) {
            this.tp = tp;
            this.offset = offset;
            this.call = call;
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }

        @Override
        public void run() {
            Set<Slot> mine = waiting.get(tp);
            if (mine != null) {
                mine.remove(this);
            }
            if (!cancelled) {
                send(tp, offset, call);
            }
        }
    }

    private void send(TopicPartition tp, long offset, DispatchedCall call) {
        long now = clock.getAsLong();
        if (now > call.getExpiresAt().toEpochMilli() - sendMarginMs) {
            publish(tp, offset, call, new CallResult(Outcome.STALE, null, 0, Map.of(),
                    "received or started " + (now - call.getExecuteAt().toEpochMilli()) + " ms after its slot opened", now));
            return;
        }
        sender.send(call.getRequest(), call.getExecuteAt().toEpochMilli()).whenComplete((result, failure) -> publish(tp, offset, call, failure == null ? result
                : new CallResult(Outcome.OUTCOME_UNKNOWN, null, clock.getAsLong() - now, Map.of(), String.valueOf(failure), now)));
    }

    private void publish(TopicPartition tp, long offset, DispatchedCall call, CallResult result) {
        try {
            results.publish(call, result, e -> {
                if (e == null) {
                    offsets.done(tp, offset);
                } else {
                    LOG.error("Result of {} could not be written; the task stops so the call is not lost", call.getRequest().getRequestId(), e);
                    fatal.compareAndSet(null, e);
                }
            });
        } catch (RuntimeException e) {
            fatal.compareAndSet(null, e);
        }
    }

    /** A failure that must stop the task (a result that could not be written). */
    Exception fatal() {
        return fatal.get();
    }

    /**
     * Drops calls of revoked partitions that are still waiting for their slot: their offsets are not
     * committed, so the partition's new owner receives and handles them.
     */
    void revoke(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Set<Slot> mine = waiting.remove(tp);
            if (mine != null) {
                mine.forEach(Slot::cancel);
            }
        }
        offsets.forget(partitions);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
