package io.tollgate.connect;

import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.schemas.serde.WireFormatException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
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
    private final AtomicBoolean shortSlotWarned = new AtomicBoolean();
    private final AtomicInteger sending = new AtomicInteger();
    /** Guarded by itself. */
    private final PermitGate permits;
    private final Map<TopicPartition, Set<HeldForPermit>> heldForPermits = new ConcurrentHashMap<>();

    /** Looks for results of calls a previous owner of a partition left, so that those finished free their permits at once. */
    interface ForeignCalls {
        ForeignCalls NONE = (account, requestIds, sentSinceMs) -> Set.of();

        /**
         * The dispatches ({@link PermitGate#dispatchOf}: request id and slot) of {@code account} with a result since
         * {@code sentSinceMs}: at least those of {@code dispatches} that have one.
         */
        Set<String> finished(String account, Set<String> dispatches, long sentSinceMs);
    }

    private final ForeignCalls foreignCalls;
    private final PartitionHandoff handoff;
    /** This task's hold on each partition it owns: what earlier owners left, and what it tells the next. */
    private final Map<TopicPartition, PartitionHandoff.Tenure> tenures = new ConcurrentHashMap<>();
    /** The highest offset received of each partition in this tenure. */
    private final Map<TopicPartition, Long> receivedUpTo = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final long createdAtMs;
    private final Map<TopicPartition, Long> ownedSince = new ConcurrentHashMap<>();
    /**
     * One token per assignment of a partition, guarded by itself: a look for results that ends after the partition
     * was revoked (or revoked and assigned again) must not decide the fate of a record its new owner now holds.
     */
    private final Map<TopicPartition, Object> ownership = new HashMap<>();
    /** By account: the results were read from then on, after a takeover. */
    private final Map<String, Long> lookedUpSince = new ConcurrentHashMap<>();
    /**
     * Reads the results topic after a takeover, one look at a time, off Connect's put thread: a look can take
     * seconds, and meanwhile the calls of every other partition must still be received and sent in their slots.
     */
    private final ExecutorService lookups = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tollgate-results-lookup");
        t.setDaemon(true);
        return t;
    });

    private static final int ANSWER_THREADS = 16;

    /**
     * Handles the vendor's answers: frees the permit, starts the next call (resolving its credential) and writes the
     * result, any of which may block. Not on the thread java.net.http completes the answer on: with the JVM flag
     * docs/DEPLOYMENT.md asks for on two CPUs, that is the common pool, two threads shared by the whole worker.
     * Never shut down: a task that stops still handles the answers of the calls under way (see
     * {@link #awaitCallsUnderWay}); its threads end a minute after the last answer. At most {@link #ANSWER_THREADS};
     * beyond, answers wait their turn, never on the thread that completed them (a shared pool, or the JVM's timer).
     */
    private final ExecutorService answers = answerPool();

    private static ExecutorService answerPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(ANSWER_THREADS, ANSWER_THREADS,
                60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "tollgate-dispatch-answers");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    DispatchScheduler(VendorSender sender, ResultPublisher results, OffsetTracker offsets, LongSupplier clock, long sendMarginMs) {
        this(sender, results, offsets, clock, sendMarginMs, ForeignCalls.NONE);
    }

    DispatchScheduler(VendorSender sender, ResultPublisher results, OffsetTracker offsets, LongSupplier clock, long sendMarginMs,
                      ForeignCalls foreignCalls) {
        this(sender, results, offsets, clock, sendMarginMs, foreignCalls, PartitionHandoff.NONE);
    }

    DispatchScheduler(VendorSender sender, ResultPublisher results, OffsetTracker offsets, LongSupplier clock, long sendMarginMs,
                      ForeignCalls foreignCalls, PartitionHandoff handoff) {
        this.foreignCalls = foreignCalls;
        this.handoff = handoff;
        this.createdAtMs = clock.getAsLong();
        this.sender = sender;
        this.results = results;
        this.offsets = offsets;
        this.clock = clock;
        this.sendMarginMs = sendMarginMs;
        this.permits = new PermitGate(clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-dispatch-timer");
            t.setDaemon(true);
            return t;
        });
    }

    void submit(TopicPartition tp, long offset, DispatchedCall call) {
        offsets.begin(tp, offset);
        receivedUpTo.merge(tp, offset, Math::max);
        PartitionHandoff.Tenure tenure = tenures.get(tp);
        // An offset no earlier owner received: its call was started nowhere else, whenever its slot opened.
        boolean unseenBefore = tenure != null && tenure.unseenBefore(offset);
        if (!call.getPermits().isEmpty()) {
            Map<String, PermitGate.Unchecked> unchecked;
            synchronized (permits) {
                permits.received(call);
                unchecked = permits.takeUnchecked();
            }
            unchecked.forEach((account, calls) -> lookups.execute(guarded(() -> lookForResults(account, calls))));
            // Its slot opened before this task had the partition, and it came after: perhaps started by the previous owner.
            long slot = call.getExecuteAt().toEpochMilli();
            if (!unseenBefore && slot <= clock.getAsLong() && slot < ownedSince.getOrDefault(tp, createdAtMs)) {
                checkRedelivery(tp, offset, call);
                return;
            }
        }
        long wait = call.getExecuteAt().toEpochMilli() - clock.getAsLong();
        if (wait > MAX_AHEAD_MS) {
            // No limiter plans that far ahead: a clock far behind, or a record not written by Tollgate. Held on
            // the timer, it would hold back every offset of its partition; it goes back to the limiter instead.
            publish(tp, offset, call, CallResult.notSent(Outcome.STALE, "its slot opens in " + wait
                    + " ms, further ahead than any limiter plans: is the dispatcher's clock behind?", clock.getAsLong()));
            return;
        }
        Slot slot = new Slot(tp, offset, call, wait > 0 || unseenBefore);
        waiting.computeIfAbsent(tp, p -> ConcurrentHashMap.newKeySet()).add(slot);
        slot.future = timer.schedule(slot, Math.max(0, wait), TimeUnit.MILLISECONDS);
    }

    /** A call waiting for its slot. Cancelled when its partition is revoked, so only one owner sends it. */
    private final class Slot implements Runnable {
        private final TopicPartition tp;
        private final long offset;
        private final DispatchedCall call;
        /**
         * Received before its slot opened, or at an offset no earlier owner of the partition received: no earlier owner
         * can have started it.
         */
        private final boolean early;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> future;

        Slot(TopicPartition tp, long offset, DispatchedCall call, boolean early) {
            this.tp = tp;
            this.offset = offset;
            this.call = call;
            this.early = early;
        }

        /** True when it had not started: the timer will not run it now. */
        boolean cancel() {
            cancelled = true;
            ScheduledFuture<?> f = future;
            return f != null && f.cancel(false);
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
        if (closed) {
            return; // its offset is not committed: the partition's next owner gets it
        }
        long now = clock.getAsLong();
        long executeAt = call.getExecuteAt().toEpochMilli();
        long expiresAt = call.getExpiresAt().toEpochMilli();
        // Never started elsewhere if it came before its slot, at an offset no earlier owner received, or its slot opened
        // once this task had the partition.
        boolean onlyHere = early || executeAt >= ownedSince.getOrDefault(tp, createdAtMs);
        if (expiresAt - executeAt <= sendMarginMs) {
            if (shortSlotWarned.compareAndSet(false, true)) {
                LOG.error("Calls arrive with slots of {} ms, no longer than dispatch.send.margin.ms={}: none can be sent in time. "
                        + "Set the limiter's dispatch.jitter.ms above the margin.", expiresAt - executeAt, sendMarginMs);
            }
            publish(tp, offset, call, CallResult.stale("its slot of " + (expiresAt - executeAt)
                    + " ms is no longer than dispatch.send.margin.ms=" + sendMarginMs + "; raise the limiter's dispatch.jitter.ms", now, onlyHere));
            return;
        }
        if (now > expiresAt - sendMarginMs) {
            publish(tp, offset, call, CallResult.stale("received or started " + (now - executeAt) + " ms after its slot opened", now, onlyHere));
            return;
        }
        if (call.getPermits().isEmpty()) {
            start(tp, offset, call, now);
            return;
        }
        HeldForPermit held = new HeldForPermit(tp, offset, call, onlyHere);
        boolean go;
        synchronized (permits) {
            go = permits.acquireOrQueue(held.waiter);
        }
        if (go) {
            start(tp, offset, call, now);
            return;
        }
        // It waits for a permit until its slot ends, then goes back to the limiter unsent.
        heldForPermits.computeIfAbsent(tp, p -> ConcurrentHashMap.newKeySet()).add(held);
        held.timeout = timer.schedule(() -> expire(held), Math.max(0, expiresAt - sendMarginMs - now), TimeUnit.MILLISECONDS);
        wakeWhenALeaseEnds();
    }

    /**
     * A call with permits received after its slot opened may be the redelivery of one a previous owner of the
     * partition handled: its slot stays open long (it may wait for a permit), so it would be sent twice. One with a
     * result is done (its offset goes, nothing is written); one without may still be under way there, and goes back
     * to the limiter as STALE, maybe sent, as any call received too late does. The results are looked for off the
     * put thread; the call's offset stays uncommitted until then.
     */
    private void checkRedelivery(TopicPartition tp, long offset, DispatchedCall call) {
        if (isFinishedElsewhere(call)) {
            notSentAgain(tp, offset, call);
            return;
        }
        // Counted at once, before the look: the partition's next records (the same account's, mostly) must not take
        // the permit a previous owner may still hold for this call.
        long leaseEnd = call.getExecuteAt().toEpochMilli() + call.getPermits().stream().mapToLong(p -> p.getLeaseMs()).max().orElse(0);
        synchronized (permits) {
            permits.maybeUnderWayElsewhere(call, leaseEnd);
        }
        Object owner = ownerOf(tp);
        lookups.execute(guarded(() -> {
            lookForResults(call.getRequest().getAccount(), new PermitGate.Unchecked(Set.of(PermitGate.dispatchOf(
                    call.getRequest().getRequestId(), call.getExecuteAt().toEpochMilli())), call.getDecidedAt().toEpochMilli()));
            boolean finished = isFinishedElsewhere(call);
            synchronized (ownership) {
                if (closed || ownership.get(tp) != owner) {
                    return; // the partition went to another task meanwhile: its offset is not committed, the next owner decides
                }
                if (finished) {
                    notSentAgain(tp, offset, call);
                } else {
                    LOG.info("Call {} (attempt {}, slot {}) was received after its slot, and its slot opened before this task had the "
                                    + "partition, with no result found: it goes back, and keeps its permits until {}",
                            call.getRequest().getRequestId(), call.getAttempt(), call.getExecuteAt(), java.time.Instant.ofEpochMilli(leaseEnd));
                    publish(tp, offset, call, CallResult.stale("received " + (clock.getAsLong() - call.getExecuteAt().toEpochMilli())
                            + " ms after its slot opened, so perhaps a redelivery of one a previous owner was sending", clock.getAsLong(), false));
                }
            }
            if (finished) {
                List<PermitGate.Waiter> admitted;
                synchronized (permits) {
                    admitted = permits.notUnderWayElsewhere(call);
                }
                startAll(admitted);
            }
        }));
    }

    private Object ownerOf(TopicPartition tp) {
        synchronized (ownership) {
            return ownership.get(tp);
        }
    }

    /** Work of the lookup thread: a failure there would leave a call's offset pending for good, so it stops the task. */
    private Runnable guarded(Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (Throwable t) {
                LOG.error("Looking for a previous owner's results failed; the task stops", t);
                fatal.compareAndSet(null, t instanceof Exception e ? e : new IllegalStateException(t));
            }
        };
    }

    private boolean isFinishedElsewhere(DispatchedCall call) {
        synchronized (permits) {
            return permits.isFinishedElsewhere(call);
        }
    }

    private void notSentAgain(TopicPartition tp, long offset, DispatchedCall call) {
        LOG.info("Call {} (attempt {}, slot {}) was received again after its previous owner finished it; it is not sent again",
                call.getRequest().getRequestId(), call.getAttempt(), call.getExecuteAt());
        offsets.done(tp, offset);
    }

    /**
     * After a takeover: the previous owner's calls that have a result free their permits now, not when their leases
     * end. Runs on the lookup thread only.
     */
    private void lookForResults(String account, PermitGate.Unchecked calls) {
        Long since = lookedUpSince.get(account);
        if (since != null && since <= calls.sentSinceMs()) {
            // Read already from then on: the previous owner writes no more results, so none is there that was not then.
            return;
        }
        lookedUpSince.put(account, calls.sentSinceMs());
        Set<String> finished = foreignCalls.finished(account, calls.dispatches(), calls.sentSinceMs());
        LOG.info("Account {}: {} of the {} calls the previous owner of its partition left in flight have a result", account,
                finished.stream().filter(calls.dispatches()::contains).count(), calls.dispatches().size());
        List<PermitGate.Waiter> admitted;
        synchronized (permits) {
            permits.finishedElsewhere(account, finished);
            admitted = permits.admitWaiting();
        }
        startAll(admitted);
    }

    /** A call waiting at the dispatcher for a concurrency permit. */
    private static final class HeldForPermit {
        final TopicPartition tp;
        final long offset;
        /** Never started anywhere but here: sent back, it surely was not sent. */
        final boolean onlyHere;
        final long sinceMs;
        final PermitGate.Waiter waiter;
        volatile ScheduledFuture<?> timeout;

        HeldForPermit(TopicPartition tp, long offset, DispatchedCall call, boolean onlyHere) {
            this.tp = tp;
            this.offset = offset;
            this.onlyHere = onlyHere;
            this.sinceMs = System.currentTimeMillis();
            this.waiter = new PermitGate.Waiter(call, this);
        }
    }

    private void expire(HeldForPermit held) {
        boolean withdrawn;
        synchronized (permits) {
            withdrawn = permits.withdraw(held.waiter);
        }
        if (withdrawn) {
            forget(held);
            DispatchedCall call = held.waiter.call;
            long now = clock.getAsLong();
            publish(held.tp, held.offset, call, CallResult.permitNotFreed("no concurrency permit of " + permitNames(call) + " freed before its slot ended ("
                    + (now - call.getExecuteAt().toEpochMilli()) + " ms after it opened)", now, held.onlyHere));
        }
    }

    /** Starts the calls that now hold their permits; one whose slot ended meanwhile goes back, and frees them for the next. */
    private void startAll(List<PermitGate.Waiter> admitted) {
        java.util.ArrayDeque<PermitGate.Waiter> work = new java.util.ArrayDeque<>(admitted);
        while (!work.isEmpty()) {
            HeldForPermit held = (HeldForPermit) work.poll().context;
            forget(held);
            if (closed) {
                // The task stops: the call is not started; its offset is not committed, so the next owner gets it.
                synchronized (permits) {
                    permits.release(held.waiter.call);
                }
                continue;
            }
            DispatchedCall call = held.waiter.call;
            long now = clock.getAsLong();
            if (now > call.getExpiresAt().toEpochMilli() - sendMarginMs) {
                synchronized (permits) {
                    work.addAll(permits.release(call));
                }
                publish(held.tp, held.offset, call, CallResult.permitNotFreed("its permit freed " + (now - call.getExecuteAt().toEpochMilli())
                        + " ms after its slot opened, too late", now, held.onlyHere));
                continue;
            }
            DispatcherMetrics.waitedForPermit(now - held.sinceMs);
            start(held.tp, held.offset, call, now);
        }
    }

    private void forget(HeldForPermit held) {
        ScheduledFuture<?> t = held.timeout;
        if (t != null) {
            t.cancel(false);
        }
        Set<HeldForPermit> mine = heldForPermits.get(held.tp);
        if (mine != null) {
            mine.remove(held);
        }
    }

    /** A predecessor's call counts until its lease ends: then a waiting call may take its permit. */
    private void wakeWhenALeaseEnds() {
        Long end;
        synchronized (permits) {
            end = permits.nextLeaseEnd();
        }
        if (end != null) {
            timer.schedule(() -> {
                List<PermitGate.Waiter> admitted;
                synchronized (permits) {
                    admitted = permits.admitWaiting();
                }
                startAll(admitted);
                wakeWhenALeaseEnds();
            }, Math.max(1, end - clock.getAsLong() + 1), TimeUnit.MILLISECONDS);
        }
    }

    private static String permitNames(DispatchedCall call) {
        return call.getPermits().stream().map(p -> p.getRuleId() + " (" + p.getLimit() + " for " + p.getSubject() + ")").toList().toString();
    }

    private void start(TopicPartition tp, long offset, DispatchedCall call, long now) {
        long executeAt = call.getExecuteAt().toEpochMilli();
        sending.incrementAndGet();
        DispatcherMetrics.started(now - executeAt);
        CompletableFuture<CallResult> answer;
        try {
            answer = sender.send(call.getRequest(), executeAt);
        } catch (RuntimeException e) {
            sending.decrementAndGet();
            LOG.error("Call {} could not be started; it goes back to the limiter", call.getRequest().getRequestId(), e);
            releaseAndStartNext(call);
            publish(tp, offset, call, CallResult.notSent(Outcome.NETWORK_ERROR, "the dispatcher failed to start it ("
                    + e.getClass().getSimpleName() + "); not sent", clock.getAsLong()));
            return;
        }
        answer.whenCompleteAsync((result, failure) -> {
            try {
                if (result != null && (result.outcome() == Outcome.RATE_LIMITED || result.outcome() == Outcome.BLOCKED)) {
                    holdBackCredential(call, result.outcome());
                }
                // The vendor answered: the next call waiting for the permit starts now, before this result is written.
                releaseAndStartNext(call);
            } finally {
                try {
                    publish(tp, offset, call, failure == null ? result : new CallResult(Outcome.OUTCOME_UNKNOWN, null,
                            clock.getAsLong() - now, Map.of(), failure.getClass().getSimpleName(), now, true));
                } finally {
                    sending.decrementAndGet();
                }
            }
        }, answers);
    }

    /**
     * The vendor refused or blocked a call: the calls sent ahead on the same credential go back to the limiter, which
     * pauses the credential as the vendor asks, instead of taking the freed permits into the same refusal.
     */
    private void holdBackCredential(DispatchedCall call, Outcome outcome) {
        List<PermitGate.Waiter> withdrawn;
        synchronized (permits) {
            withdrawn = permits.withdrawCredential(call.getRequest().getAccount(), call.getRequest().getCredentialRef());
        }
        for (PermitGate.Waiter w : withdrawn) {
            HeldForPermit held = (HeldForPermit) w.context;
            forget(held);
            publish(held.tp, held.offset, w.call, CallResult.stale("the vendor answered " + outcome + " on its credential while it waited "
                    + "for a concurrency permit", clock.getAsLong(), held.onlyHere));
        }
    }

    private void releaseAndStartNext(DispatchedCall call) {
        if (call.getPermits().isEmpty()) {
            return;
        }
        try {
            List<PermitGate.Waiter> next;
            synchronized (permits) {
                next = permits.release(call);
            }
            startAll(next);
        } catch (RuntimeException e) {
            LOG.error("Starting the calls waiting for the permits of {} failed", call.getRequest().getRequestId(), e);
        }
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

    /** This task now owns {@code partitions}: calls decided before may have been handled by their previous owner. */
    void assign(Collection<TopicPartition> partitions) {
        // Taken before the markers are written: the previous owners let the partitions go before this was called, so
        // a slot that opens from now on was started by none of them.
        long now = clock.getAsLong();
        // Before any call of theirs is received: a later owner must know this task may have started some.
        tenures.putAll(handoff.begin(partitions));
        partitions.forEach(receivedUpTo::remove);
        partitions.forEach(tp -> ownedSince.put(tp, now));
        synchronized (ownership) {
            partitions.forEach(tp -> ownership.put(tp, new Object()));
        }
    }

    /**
     * Drops calls of revoked partitions that are still waiting for their slot: their offsets are not
     * committed, so the partition's new owner receives and handles them.
     */
    void revoke(Collection<TopicPartition> partitions) {
        synchronized (ownership) {
            partitions.forEach(ownership::remove);
        }
        sendBack(partitions, "its partition went to another task");
        offsets.forget(partitions);
        endTenures(partitions);
    }

    /**
     * Tells the next owners of {@code partitions} how far this task received them. A call already on the timer may still
     * start, but only one at an offset received, which the next owner treats as perhaps under way here. Runs on the
     * task's thread, as {@link #submit} does: nothing is received meanwhile.
     */
    private void endTenures(Collection<TopicPartition> partitions) {
        Map<PartitionHandoff.Tenure, Long> ended = new HashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionHandoff.Tenure tenure = tenures.remove(tp);
            Long received = receivedUpTo.remove(tp);
            if (tenure != null) {
                ended.put(tenure, received == null ? -1 : received);
            }
        }
        if (!ended.isEmpty()) {
            handoff.end(ended);
        }
    }

    /**
     * The calls of {@code partitions} this task holds and never started go back to the limiter, as STALE, not sent
     * (unless an earlier owner may have started them): the partition's next owner, receiving them again after their
     * slots, finds their results and neither sends them nor counts them in flight until their leases end.
     */
    private void sendBack(Collection<TopicPartition> partitions, String why) {
        long now = clock.getAsLong();
        for (TopicPartition tp : new java.util.ArrayList<>(partitions)) {
            Set<HeldForPermit> held = heldForPermits.remove(tp);
            if (held != null) {
                for (HeldForPermit h : held) {
                    boolean withdrawn;
                    synchronized (permits) {
                        withdrawn = permits.withdraw(h.waiter);
                    }
                    forget(h);
                    if (withdrawn) {
                        publish(h.tp, h.offset, h.waiter.call, CallResult.stale(why + " while it waited for a concurrency permit", now, h.onlyHere));
                    }
                }
            }
            Set<Slot> mine = waiting.remove(tp);
            if (mine != null) {
                for (Slot slot : mine) {
                    if (slot.cancel()) {
                        publish(slot.tp, slot.offset, slot.call, CallResult.stale(why + " before its slot opened", now, slot.early));
                    }
                }
            }
        }
    }

    /** Stops starting calls; those held and never started go back to the limiter (see {@link #sendBack}). */
    @Override
    public void close() {
        synchronized (ownership) {
            closed = true; // no look for results decides a call's fate from now on
        }
        java.util.Set<TopicPartition> held = new java.util.HashSet<>(heldForPermits.keySet());
        held.addAll(waiting.keySet());
        sendBack(held, "the dispatcher's task stopped");
        endTenures(new java.util.ArrayList<>(tenures.keySet()));
        handoff.close();
        timer.shutdownNow();
        lookups.shutdownNow();
        try {
            lookups.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
