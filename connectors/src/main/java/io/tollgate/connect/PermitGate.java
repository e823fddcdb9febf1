package io.tollgate.connect;

import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.HeldPermit;
import io.tollgate.avro.Permit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Concurrency permits where the calls happen. This task sees every answer first: the moment a call ends, the
 * next call waiting for its permit starts, where the limiter would learn of the end only from the result
 * and send the next call a whole dispatch lead later. The limiter sends calls ahead of their permits (its
 * {@code concurrency.prefetch}), and keeps order, fairness and every time-based rule; this gate keeps the
 * number a vendor sees in flight at or under the permit's limit.
 *
 * <p>A call in flight counts until this task has its answer. A call the limiter counted in flight that this
 * task never received (the calls of a task that had this partition before, and died with them under way)
 * counts until its lease ends. Waiting calls start in the order they came, each when every permit it needs has
 * room. Not thread-safe on its own: {@link DispatchScheduler} calls it under its own lock.
 */
final class PermitGate {

    /** How long a received call is remembered, to tell it from one a predecessor received (longer than the leases in use). */
    static final long RECEIVED_MEMORY_MS = 5 * 60_000L;

    /** A call waiting for its permits. */
    static final class Waiter {
        final DispatchedCall call;
        final Object context;

        Waiter(DispatchedCall call, Object context) {
            this.call = call;
            this.context = context;
        }
    }

    private static final class Pool {
        long limit;
        long leaseMs;
        final Set<String> running = new HashSet<>();
        /** A predecessor's calls the limiter still counted, by the latest record's word. */
        Map<String, Long> foreign = Map.of();
        /**
         * A predecessor's calls that came to this task again and were sent back unanswered: they may still be
         * under way there, and the limiter no longer counts them once it reads that answer. Until their leases end.
         */
        final Map<String, Long> maybeUnderWay = new HashMap<>();

        long occupied(long nowMs) {
            Set<String> elsewhere = new HashSet<>();
            foreign.forEach((id, end) -> {
                if (end > nowMs) {
                    elsewhere.add(id);
                }
            });
            maybeUnderWay.values().removeIf(end -> end <= nowMs);
            elsewhere.addAll(maybeUnderWay.keySet());
            elsewhere.removeAll(running);
            return running.size() + elsewhere.size();
        }
    }

    private final LongSupplier clock;
    private final Map<String, Pool> pools = new HashMap<>();
    private final LinkedHashMap<String, Long> received = new LinkedHashMap<>();
    /** Calls of a predecessor that were looked for among the results: those without one keep their permit until their lease ends. */
    private final LinkedHashMap<String, Long> checked = new LinkedHashMap<>();
    private final Map<String, Unchecked> unchecked = new HashMap<>();
    private final LinkedHashMap<String, Long> finishedElsewhere = new LinkedHashMap<>();

    /** A predecessor's calls of one account not yet looked for among the results ({@link #dispatchOf}), and when the oldest was sent. */
    record Unchecked(Set<String> dispatches, long sentSinceMs) {
    }

    /** One dispatch of a call, as its result names it: its request id and its slot (a call sent again has another slot). */
    static String dispatchOf(String requestId, long executeAtMs) {
        return requestId + '@' + executeAtMs;
    }
    private final Deque<Waiter> waiting = new ArrayDeque<>();

    PermitGate(LongSupplier clock) {
        this.clock = clock;
    }

    /** A call arrived: its permits' limits and what the limiter counted in flight (those this task never received are a predecessor's). */
    void received(DispatchedCall call) {
        long now = clock.getAsLong();
        forget(received, now);
        forget(checked, now);
        forget(finishedElsewhere, now);
        received.put(callId(call), now);
        String account = call.getRequest().getAccount();
        for (Permit permit : call.getPermits()) {
            Pool pool = pools.computeIfAbsent(key(account, permit), k -> new Pool());
            pool.limit = permit.getLimit();
            pool.leaseMs = permit.getLeaseMs();
            // Merged, never replaced: a record's list is the limiter's view when it decided that call, and an older record
            // (one that comes again) knows less than a newer one. A predecessor's call leaves only when its lease ends,
            // when its result is found, or when it comes to this task itself.
            Map<String, Long> foreign = new HashMap<>(pool.foreign);
            foreign.keySet().removeIf(id -> received.containsKey(account + '\u0000' + id));
            foreign.values().removeIf(end -> end <= now);
            for (HeldPermit held : permit.getHeld()) {
                long end = held.getLeaseEndsAt().toEpochMilli();
                String id = account + '\u0000' + held.getRequestId();
                // The limiter's lease began at the call's slot: with the request id, what names that dispatch in its result.
                String dispatch = dispatchOf(held.getRequestId(), end - permit.getLeaseMs());
                if (end > now && !received.containsKey(id) && !finishedElsewhere.containsKey(account + '\u0000' + dispatch)) {
                    foreign.put(held.getRequestId(), end);
                    if (!checked.containsKey(id)) {
                        checked.put(id, now);
                        Unchecked before = unchecked.get(account);
                        Set<String> ids = before == null ? new HashSet<>() : new HashSet<>(before.dispatches());
                        ids.add(dispatch);
                        long sent = end - permit.getLeaseMs();
                        unchecked.put(account, new Unchecked(ids, before == null ? sent : Math.min(before.sentSinceMs(), sent)));
                    }
                }
            }
            pool.foreign = foreign;
        }
    }

    /** The predecessor's calls to look for among the results (each is handed out once), by account. */
    Map<String, Unchecked> takeUnchecked() {
        Map<String, Unchecked> taken = new HashMap<>(unchecked);
        unchecked.clear();
        return taken;
    }

    /** Dispatches ({@link #dispatchOf}) of {@code account} that have a result: they are no longer in flight anywhere. */
    void finishedElsewhere(String account, Set<String> dispatches) {
        long now = clock.getAsLong();
        for (String dispatch : dispatches) {
            finishedElsewhere.put(account + '\u0000' + dispatch, now);
        }
        for (Map.Entry<String, Pool> e : pools.entrySet()) {
            if (e.getKey().startsWith(account + '\u0000')) {
                Pool pool = e.getValue();
                Map<String, Long> foreign = new HashMap<>(pool.foreign);
                foreign.entrySet().removeIf(f -> dispatches.contains(dispatchOf(f.getKey(), f.getValue() - pool.leaseMs)));
                pool.foreign = foreign;
            }
        }
    }

    /** Whether a predecessor finished this call (its result is written): a redelivery of it must not be sent again. */
    boolean isFinishedElsewhere(DispatchedCall call) {
        return finishedElsewhere.containsKey(call.getRequest().getAccount() + '\u0000'
                + dispatchOf(call.getRequest().getRequestId(), call.getExecuteAt().toEpochMilli()));
    }

    /** Takes the call's permits if all have room now, else queues it behind the calls waiting already; true when it may start. */
    boolean acquireOrQueue(Waiter waiter) {
        // Behind the calls already waiting for one of its permits: no overtaking within a permit, none held up by another.
        List<String> keys = keys(waiter.call);
        boolean behind = waiting.stream().anyMatch(w -> keys(w.call).stream().anyMatch(keys::contains));
        if (!behind && tryTake(waiter.call, clock.getAsLong())) {
            return true;
        }
        waiting.addLast(waiter);
        return false;
    }

    /**
     * A predecessor's call that came to this task again and goes back unanswered: it may still be under way where it
     * was started, so it keeps its permits until {@code untilMs} (its lease), whatever the limiter counts later.
     */
    void maybeUnderWayElsewhere(DispatchedCall call, long untilMs) {
        String account = call.getRequest().getAccount();
        for (Permit permit : call.getPermits()) {
            pools.computeIfAbsent(key(account, permit), k -> new Pool()).maybeUnderWay.put(call.getRequest().getRequestId(), untilMs);
        }
    }

    /** A call counted as perhaps under way elsewhere turned out finished there: its permits free; returns the calls that now hold theirs. */
    List<Waiter> notUnderWayElsewhere(DispatchedCall call) {
        String account = call.getRequest().getAccount();
        for (Permit permit : call.getPermits()) {
            Pool pool = pools.get(key(account, permit));
            if (pool != null) {
                pool.maybeUnderWay.remove(call.getRequest().getRequestId());
            }
        }
        return admitWaiting();
    }

    /** The call ended (answered, failed, or never started after all): its permits free; returns the waiting calls that now hold theirs. */
    List<Waiter> release(DispatchedCall call) {
        String account = call.getRequest().getAccount();
        for (Permit permit : call.getPermits()) {
            Pool pool = pools.get(key(account, permit));
            if (pool != null) {
                pool.running.remove(call.getRequest().getRequestId());
            }
        }
        return admitWaiting();
    }

    /** Calls that may start because a predecessor's lease ended; see {@link #nextLeaseEnd()}. */
    List<Waiter> admitWaiting() {
        long now = clock.getAsLong();
        List<Waiter> admitted = new ArrayList<>();
        // In order, but one call held back does not hold back a call that needs other permits.
        Set<String> blocked = new HashSet<>();
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            List<String> keys = keys(w.call);
            if (keys.stream().anyMatch(blocked::contains)) {
                continue;
            }
            if (tryTake(w.call, now)) {
                it.remove();
                admitted.add(w);
            } else {
                blocked.addAll(keys);
            }
        }
        return admitted;
    }

    /** Takes out of the queue every call waiting on {@code credentialRef} of {@code account} (the vendor refused or blocked it). */
    List<Waiter> withdrawCredential(String account, String credentialRef) {
        List<Waiter> withdrawn = new ArrayList<>();
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.call.getRequest().getAccount().equals(account) && w.call.getRequest().getCredentialRef().equals(credentialRef)) {
                it.remove();
                withdrawn.add(w);
            }
        }
        return withdrawn;
    }

    /** Takes {@code waiter} out of the queue (its time ran out, or its partition went); false when it was not waiting. */
    boolean withdraw(Waiter waiter) {
        return waiting.remove(waiter);
    }

    /** When the earliest predecessor's lease ends while calls wait, or null. */
    Long nextLeaseEnd() {
        if (waiting.isEmpty()) {
            return null;
        }
        long now = clock.getAsLong();
        return pools.values().stream().flatMap(p -> java.util.stream.Stream.concat(p.foreign.values().stream(), p.maybeUnderWay.values().stream()))
                .filter(end -> end > now).min(Long::compare).orElse(null);
    }

    int waitingCount() {
        return waiting.size();
    }

    /** Calls in flight for the permit {@code ruleId}/{@code subject} of {@code account}, as this task counts them (for tests). */
    long inFlight(String account, String ruleId, String subject) {
        Pool pool = pools.get(account + '\u0000' + ruleId + '\u0000' + subject);
        return pool == null ? 0 : pool.occupied(clock.getAsLong());
    }

    private boolean tryTake(DispatchedCall call, long now) {
        String account = call.getRequest().getAccount();
        List<Pool> needed = new ArrayList<>();
        for (Permit permit : call.getPermits()) {
            Pool pool = pools.computeIfAbsent(key(account, permit), k -> new Pool());
            pool.limit = permit.getLimit();
            if (pool.occupied(now) >= pool.limit) {
                return false;
            }
            needed.add(pool);
        }
        needed.forEach(p -> p.running.add(call.getRequest().getRequestId()));
        return true;
    }

    private static void forget(LinkedHashMap<String, Long> memory, long now) {
        for (Iterator<Long> it = memory.values().iterator(); it.hasNext(); ) {
            if (it.next() > now - RECEIVED_MEMORY_MS) {
                break;
            }
            it.remove();
        }
    }

    private static List<String> keys(DispatchedCall call) {
        return call.getPermits().stream().map(p -> key(call.getRequest().getAccount(), p)).toList();
    }

    private static String key(String account, Permit permit) {
        return account + '\u0000' + permit.getRuleId() + '\u0000' + permit.getSubject();
    }

    private static String callId(DispatchedCall call) {
        return call.getRequest().getAccount() + '\u0000' + call.getRequest().getRequestId();
    }
}
