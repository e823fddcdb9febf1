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
import io.tollgate.schemas.serde.WireFormatException;
import org.apache.kafka.common.errors.SerializationException;
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
    /** A slot further ahead than this is not one a limiter planned (it plans dispatch.lead.ms ahead). */
    static final long MAX_AHEAD_MS = 10 * 60_000L;

    private final VendorSender sender;
    private final ResultPublisher results;
    private final OffsetTracker offsets;
    private final LongSupplier clock;
    private final long sendMarginMs;
    private final ScheduledExecutorService timer;
    private final Map<TopicPartition, Set<Slot>> waiting = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> fatal = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean shortSlotWarned = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger sending = new java.util.concurrent.atomic.AtomicInteger();

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
        long wait = call.getExecuteAt().toEpochMilli() - clock.getAsLong();
        if (wait > MAX_AHEAD_MS) {
            // No limiter plans that far ahead: a clock far behind, or a record not written by Tollgate. Held on
            // the timer, it would hold back every offset of its partition; it goes back to the limiter instead.
            publish(tp, offset, call, CallResult.notSent(Outcome.STALE, "its slot opens in " + wait
                    + " ms, further ahead than any limiter plans: is the dispatcher's clock behind?", clock.getAsLong()));
            return;
        }
        Slot slot = new Slot(tp, offset, call, wait > 0);
        waiting.computeIfAbsent(tp, p -> ConcurrentHashMap.newKeySet()).add(slot);
        slot.future = timer.schedule(slot, Math.max(0, wait), TimeUnit.MILLISECONDS);
    }

    /** A call waiting for its slot. Cancelled when its partition is revoked, so only one owner sends it. */
    private final class Slot implements Runnable {
        private final TopicPartition tp;
        private final long offset;
        private final DispatchedCall call;
        /** Received before its slot opened: no earlier owner of the partition can have started it. */
        private final boolean early;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> future;

        Slot(TopicPartition tp, long offset, DispatchedCall call, boolean early) {
            this.tp = tp;
            this.offset = offset;
            this.call = call;
            this.early = early;
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
            if (cancelled) {
                return;
            }
            try {
                send(tp, offset, call, early);
            } catch (RuntimeException e) {
                // Whatever fails here would otherwise be lost on the timer thread, with no result and the
                // partition's offsets stuck behind the call: it goes back to the limiter instead.
                LOG.error("Call {} could not be sent; it goes back to the limiter", call.getRequest().getRequestId(), e);
                publish(tp, offset, call, CallResult.notSent(Outcome.NETWORK_ERROR, "the dispatcher failed to send it ("
                        + e.getClass().getSimpleName() + "); not sent", clock.getAsLong()));
            }
        }
    }

    private void send(TopicPartition tp, long offset, DispatchedCall call, boolean early) {
        long now = clock.getAsLong();
        long executeAt = call.getExecuteAt().toEpochMilli();
        long expiresAt = call.getExpiresAt().toEpochMilli();
        if (expiresAt - executeAt <= sendMarginMs) {
            if (shortSlotWarned.compareAndSet(false, true)) {
                LOG.error("Calls arrive with slots of {} ms, no longer than dispatch.send.margin.ms={}: none can be sent in time. "
                        + "Set the limiter's dispatch.jitter.ms above the margin.", expiresAt - executeAt, sendMarginMs);
            }
            publish(tp, offset, call, CallResult.stale("its slot of " + (expiresAt - executeAt)
                    + " ms is no longer than dispatch.send.margin.ms=" + sendMarginMs + "; raise the limiter's dispatch.jitter.ms", now, early));
            return;
        }
        if (now > expiresAt - sendMarginMs) {
            publish(tp, offset, call, CallResult.stale("received or started " + (now - executeAt) + " ms after its slot opened", now, early));
            return;
        }
        sending.incrementAndGet();
        DispatcherMetrics.started(now - executeAt);
        sender.send(call.getRequest(), executeAt).whenComplete((result, failure) -> {
            try {
                publish(tp, offset, call, failure == null ? result : new CallResult(Outcome.OUTCOME_UNKNOWN, null,
                        clock.getAsLong() - now, Map.of(), failure.getClass().getSimpleName(), now, true));
            } finally {
                sending.decrementAndGet();
            }
        });
    }

    /**
     * Waits, at most {@code timeout}, until no HTTP call of this task is still under way: a task that stops
     * first lets the calls it started finish and their results be written, so that their partition's next
     * owner does not take them for calls never sent.
     */
    boolean awaitCallsUnderWay(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sending.get() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return sending.get() == 0;
    }

    private void publish(TopicPartition tp, long offset, DispatchedCall call, CallResult result) {
        DispatcherMetrics.result(result);
        try {
            results.publish(call, result, e -> {
                if (e == null) {
                    offsets.done(tp, offset);
                } else {
                    LOG.error("Result of {} could not be written; the task stops so the call is not lost", call.getRequest().getRequestId(), e);
                    fatal.compareAndSet(null, e);
                }
            });
        } catch (SerializationException e) {
            if (e instanceof WireFormatException w && w.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                fatal.compareAndSet(null, e);
                return;
            }
            // This record's result cannot be written at all (a value the schema cannot hold): the task goes
            // on with the others, and the call stays in the log with its offset.
            LOG.error("The result of call {} at {}@{} cannot be serialized; it is skipped", call.getRequest().getRequestId(), tp, offset, e);
            offsets.done(tp, offset);
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
