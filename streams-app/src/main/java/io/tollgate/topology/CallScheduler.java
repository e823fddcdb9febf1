package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchResult;
import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.CallOutcome;
import io.tollgate.limiter.Decision;
import io.tollgate.limiter.DispatchOutcome;
import io.tollgate.limiter.FeedbackEffect;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.RejectReason;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.StateLookup;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.queue.AccountQueue;
import io.tollgate.limiter.queue.LaneScheduler;
import io.tollgate.topology.store.InFlightCall;
import io.tollgate.topology.store.Keys;
import io.tollgate.topology.store.LimiterStores;
import io.tollgate.topology.store.WaitingCall;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the calls of the accounts of one task: a new call goes at once if every rule admits it and
 * nobody waits before it; otherwise it waits in its lane. Waiting calls leave as soon as the limit
 * allows: lanes take turns (weighted by integration), and within a lane calls keep their order.
 *
 * <p>All times given to the engine are planned send times: wall clock plus the dispatch lead, the
 * time the dispatcher will send the call (see {@link io.tollgate.avro.DispatchedCall}).
 */
final class CallScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(CallScheduler.class);

    static final String STALE_DISPATCH = "stale-dispatch";
    static final String NETWORK_ERROR = "network-error";
    private static final long SLOW_RESULT_MS = 1000;
    /**
     * A waiting call is told again only when it learns it will wait this much longer than it was told: a
     * daily reset hours away, not the next turn of a busy window (a delay record per call under saturation
     * would cost the limiter what the window leaves it).
     */
    private static final long TELL_LONGER_WAIT_MS = 60_000;

    private final Limiter limiter;
    private final LimiterStores stores;
    private final AccountResolver accounts;
    private final Outbox out;
    private final TollgateMetrics metrics;
    private final long leadMs;
    private final long punctuationMs;
    private final int maxAttempts;
    private final int maxStaleReturns;
    /**
     * How far past its planned time a drain gives calls the exact moment the limits free them, when that is
     * further than the next punctuation. A punctuation comes late whenever the stream thread is held up (a
     * batch of records, a commit, a core taken by something else): under a cold burst, calls whose window
     * turned meanwhile were planned 20 to 110 ms late by drains looking one interval ahead.
     */
    static final long DRAIN_LOOKAHEAD_MS = 100;

    private final SlotFloors floors = new SlotFloors();

    /** A decision and the slot it was made for. */
    private record Judged(Decision decision, long slot) {
    }

    CallScheduler(Limiter limiter, LimiterStores stores, AccountResolver accounts, Outbox out, TollgateMetrics metrics, long leadMs,
                  long punctuationMs, int maxAttempts, int maxStaleReturns) {
        this.limiter = limiter;
        this.stores = stores;
        this.accounts = accounts;
        this.out = out;
        this.metrics = metrics;
        this.leadMs = leadMs;
        this.punctuationMs = punctuationMs;
        this.maxAttempts = maxAttempts;
        this.maxStaleReturns = maxStaleReturns;
    }

    static String laneOf(ApiRequest request) {
        return request.getIntegration() + Keys.LANE_SEPARATOR + request.getCredentialRef();
    }

    private static String integrationOf(String lane) {
        return lane.substring(0, lane.indexOf(Keys.LANE_SEPARATOR));
    }

    // ---- new calls

    void submit(ApiRequest request, long seq, long wallNow) {
        String account = request.getAccount();
        if (stores.seen(account, request.getRequestId(), wallNow)) {
            reject(account, request, RejectReason.DUPLICATE_REQUEST, "request id '" + request.getRequestId()
                    + "' was already submitted for account '" + account + "'", null, null, wallNow);
            return;
        }
        AccountResolver.Resolution resolution = accounts.resolve(account);
        if (!resolution.ok()) {
            // A missing or broken account or policy is fixed elsewhere: the same request id may then be sent again.
            reject(account, request, resolution.failure(), resolution.detail(), null, null, wallNow);
            return;
        }
        String lane = laneOf(request);
        long planned = plannedAt(account, lane, wallNow);
        WaitingCall call = new WaitingCall(request, seq, planned, 1, planned, null);
        AccountQueue queue = stores.queue(account);
        AccountQueue.Lane existing = queue.lane(lane);
        if (LaneScheduler.goesAtOnce(queue, lane, planned)) {
            decideNew(resolution, call, lane, queue, wallNow, planned);
            return;
        }
        stores.remember(account, request.getRequestId(), wallNow);
        stores.enqueue(account, lane, call);
        AccountQueue after = queue.withArrival(lane, request.getPriority(), seq, 0);
        stores.putQueue(account, queue, after);
        Set<String> left = after.wakeAtMs() <= planned ? drain(account, wallNow, false) : Set.of();
        if (!left.contains(request.getRequestId())) {
            AccountQueue.Lane now = stores.queue(account).lane(lane);
            long notBefore = now == null ? planned : Math.max(planned, now.blockedUntilMs());
            int ahead = existing == null ? 0 : existing.size();
            out.delay(account, Records.delayed(request, wallNow, notBefore, "queue", 1,
                    ahead + " earlier call(s) of this lane wait" + (ahead == 0 ? "" : " before it")));
            metrics.delayed("queue");
        }
    }

    private void decideNew(AccountResolver.Resolution r, WaitingCall call, String lane, AccountQueue queue, long wallNow, long planned) {
        String account = call.request().getAccount();
        Judged judged = judgeAtFloors(account, r, stores.states(account), call, planned);
        Decision d = judged.decision();
        if (d instanceof Decision.Admit admit) {
            // Its ledger entry is written once, as a call in flight: that entry is its id's memory too.
            dispatch(account, call, admit, wallNow, judged.slot());
            if (judged.slot() > plannedAt(wallNow)) {
                floors.given(account, lane, admit.updates().keySet(), judged.slot());
            }
            return;
        }
        stores.remember(account, call.request().getRequestId(), wallNow);
        if (d instanceof Decision.Delay delay) {
            stores.enqueue(account, lane, new WaitingCall(call.request(), call.seq(), call.waitingSinceMs(), call.attempt(),
                    delay.notBeforeMs(), delay.bindingRule(), call.staleReturns(), Math.max(call.grantedWaitMs(), delay.maxWaitMs())));
            stores.putQueue(account, queue, queue.withArrival(lane, call.request().getPriority(), call.seq(), delay.notBeforeMs()));
            out.delay(account, Records.delayed(call.request(), wallNow, delay.notBeforeMs(), delay.bindingRule(), call.attempt(),
                    delay.detail()));
            metrics.delayed(delay.bindingRule());
        } else {
            Decision.Reject reject = (Decision.Reject) d;
            reject(account, call.request(), reject.reason(), reject.detail(), reject.ruleId(), reject.couldGoAtMs(), wallNow);
        }
    }

    /** Sends an admitted call, then counts its charges: a call that could not be sent is not charged. */
    private void dispatch(String account, WaitingCall call, Decision.Admit admit, long wallNow, long planned) {
        out.dispatch(account, Records.dispatched(call.request(), wallNow, planned, limiter.settings().jitterMs(), call.attempt(),
                admit.charges(), admit.shadowViolations(), admit.permits()));
        stores.putStates(account, admit.updates());
        stores.putInFlight(account, call.request().getRequestId(), new InFlightCall(call.seq(), call.attempt(), wallNow, planned,
                call.waitingSinceMs(), call.staleReturns(), admit.charges(), call.grantedWaitMs(), call.bindingRule()));
        metrics.dispatched();
        metrics.waited(planned - call.waitingSinceMs());
        if (admit.exempt()) {
            metrics.exempt();
        }
        admit.shadowViolations().forEach(metrics::shadowViolation);
    }

    private void reject(String account, ApiRequest request, RejectReason reason, String detail, String ruleId, Long couldGoAt, long wallNow) {
        out.reject(account, Records.rejected(reason, detail, request, ruleId, couldGoAt, wallNow));
        metrics.rejected(reason, ruleId);
        AccountResolver.Resolution r = accounts.resolve(account);
        if (r.ok()) {
            // Only accounts in force get a log: made-up account ids must not grow the stores.
            recordActivity(account, () -> ActivityRecords.rejected(request, reason, ruleId, wallNow), r.facts());
        }
    }

    /** Writes to the account's log; a failure there is logged and counted, and never costs a call its result. */
    private void recordActivity(String account, java.util.function.Supplier<io.tollgate.activity.CallRecord> call,
                                AccountFacts facts) {
        try {
            stores.record(account, call.get(), ActivityRecords.zoneOf(facts));
        } catch (RuntimeException e) {
            LOG.error("The log of account {} could not be written", account, e);
            metrics.internalError();
        }
    }

    /** Ends a call that processing failed on, with the exception's class: logged in full, never retried. */
    private void setAside(String account, ApiRequest request, RuntimeException e, long wallNow) {
        LOG.error("Call {} of account {} could not be decided and was rejected INTERNAL_ERROR", request.getRequestId(), account, e);
        metrics.internalError();
        reject(account, request, RejectReason.INTERNAL_ERROR, e.getClass().getName()
                + " while deciding the call; it was set aside so that the calls after it go on", null, null, wallNow);
    }

    /** A result whose work failed in a way no validation foresaw: its call is set aside, so that the results after it go on. */
    void setAsideResult(DispatchResult result, RuntimeException e, long wallNow) {
        LOG.error("The result of call {} of account {} could not be applied; the call was rejected INTERNAL_ERROR",
                result.getRequestId(), result.getAccount(), e);
        metrics.internalError();
        reject(result.getAccount(), result.getRequest(), RejectReason.INTERNAL_ERROR, e.getClass().getName()
                + " while applying its result; it was set aside so that the results after it go on", null, null, wallNow);
    }

    // ---- waiting calls

    /**
     * Lets waiting calls of {@code account} go while every rule admits them, lanes taking turns (the
     * {@link LaneScheduler} chooses; this applies its steps).
     *
     * @param force re-evaluate every lane head, even those known to be blocked (after a result or a policy change)
     * @return the request ids that left the queue, or were told by a delay record what holds them now
     */
    Set<String> drain(String account, long wallNow, boolean force) {
        AccountQueue before = stores.queue(account);
        if (before.isEmpty()) {
            return Set.of();
        }
        AccountResolver.Resolution r = accounts.resolve(account);
        long planned = plannedAt(wallNow);
        // The drain decides against the charges of the calls it admitted before; they are counted in the store
        // only as each call is sent, so a drain that fails half-way charges nothing it did not send.
        Map<RuleKey, LimitState> admitted = new HashMap<>();
        StateLookup stored = stores.states(account);
        StateLookup states = key -> admitted.containsKey(key) ? admitted.get(key) : stored.get(key);
        // A call the limits admit within the look-ahead is planned for that very moment, not for a later drain:
        // a window would otherwise lose the drain's lateness each time it turns over. No call goes before one
        // of its lane, and no sliding window or set of permits is asked about a time before a slot it was given
        // (SlotFloors).
        Map<WaitingCall, Long> slots = new IdentityHashMap<>();
        LaneScheduler.Drain<WaitingCall> drain = LaneScheduler.drain(before, force, lookaheadOf(planned), stores.lanes(account),
                lane -> r.ok() ? r.facts().weightOf(integrationOf(lane)) : Integer.MAX_VALUE, call -> {
                    String lane = laneOf(call.request());
                    Judged judged = judgeAtFloors(account, r, states, call, plannedAt(account, lane, wallNow));
                    if (judged.decision() instanceof Decision.Delay delay && delay.notBeforeMs() <= lookaheadOf(planned)) {
                        Judged exact = judgeAtFloors(account, r, states, call, delay.notBeforeMs());
                        if (exact.decision() instanceof Decision.Admit) {
                            judged = exact;
                        }
                    }
                    if (judged.decision() instanceof Decision.Admit admit) {
                        admitted.putAll(admit.updates());
                        slots.put(call, judged.slot());
                        if (judged.slot() > planned) {
                            floors.given(account, lane, admit.updates().keySet(), judged.slot());
                        }
                    }
                    return judged.decision();
                });
        Set<String> left = new HashSet<>();
        for (LaneScheduler.Step<WaitingCall> step : drain.steps()) {
            WaitingCall call = step.call();
            if (step instanceof LaneScheduler.Step.Regrant<WaitingCall>) {
                stores.enqueue(account, step.lane(), call);
                continue;
            }
            if (step instanceof LaneScheduler.Step.Held<WaitingCall> held) {
                if (hold(account, held.lane(), call, held.delay(), wallNow)) {
                    left.add(call.request().getRequestId());
                }
                continue;
            }
            stores.remove(account, step.lane(), call);
            left.add(call.request().getRequestId());
            if (step instanceof LaneScheduler.Step.SetAside<WaitingCall> aside) {
                setAside(account, call.request(), aside.failure(), wallNow);
            } else if (((LaneScheduler.Step.Leave<WaitingCall>) step).decision() instanceof Decision.Admit admit) {
                dispatch(account, call, admit, wallNow, slots.getOrDefault(call, planned));
            } else {
                Decision.Reject reject = (Decision.Reject) ((LaneScheduler.Step.Leave<WaitingCall>) step).decision();
                reject(account, call.request(), reject.reason(), reject.detail(), reject.ruleId(), reject.couldGoAtMs(), wallNow);
            }
        }
        stores.putQueue(account, before, drain.after());
        return left;
    }

    /**
     * A lane's head must wait. When another rule now holds it, and much longer than it was last told (it
     * queued behind earlier calls or for a connection, and now waits for a daily quota's reset), it is stored
     * with the rule and the time, and a delay record says both: the call's owner learns it at once, not at the
     * call's deadline. The same rule holding it a little longer (a shared budget's next turn) says nothing new.
     *
     * @return whether a delay record was written
     */
    private boolean hold(String account, String lane, WaitingCall head, Decision.Delay delay, long wallNow) {
        WaitingCall held = head.granted(delay.maxWaitMs());
        boolean told = !Objects.equals(delay.bindingRule(), head.bindingRule())
                && delay.notBeforeMs() > head.notBeforeMs() + TELL_LONGER_WAIT_MS;
        if (told) {
            held = held.heldBy(delay.bindingRule(), delay.notBeforeMs());
            out.delay(account, Records.delayed(head.request(), wallNow, delay.notBeforeMs(), delay.bindingRule(), head.attempt(),
                    delay.detail()));
            metrics.delayed(delay.bindingRule());
        }
        if (!held.equals(head)) {
            stores.enqueue(account, lane, held);
        }
        return told;
    }

    /** The limiter's decision on a waiting call (a refusal when the account cannot be resolved). */
    private Decision judge(AccountResolver.Resolution r, StateLookup states, WaitingCall call, long planned) {
        if (!r.ok()) {
            return new Decision.Reject(r.failure(), r.detail(), null, null);
        }
        return limiter.decide(r.policy(), r.facts(), Records.toCall(call.request()), states, planned, call.waitingSinceMs(),
                call.grantedWaitMs());
    }

    /**
     * Decides {@code call} for {@code slot}, or for the slot a sliding window or set of permits it reads was given
     * ahead, when that is later: those forget, as of their latest charge, what counted before it (SlotFloors).
     */
    private Judged judgeAtFloors(String account, AccountResolver.Resolution r, StateLookup states, WaitingCall call, long slot) {
        while (true) {
            long[] floor = {slot};
            Decision d = judge(r, floors.watching(account, states, floor), call, slot);
            if (floor[0] <= slot) {
                return new Judged(d, slot);
            }
            slot = floor[0];
        }
    }

    /** The latest slot a drain planning {@code planned} gives: any later is a later drain's. */
    long lookaheadOf(long planned) {
        return planned + Math.max(punctuationMs, DRAIN_LOOKAHEAD_MS) - 1;
    }

    /** When a call decided at {@code wallNow} is sent at the earliest, for any account: the lead ahead. */
    long plannedAt(long wallNow) {
        return wallNow + leadMs;
    }

    /** When a call of {@code lane} decided at {@code wallNow} is sent at the earliest: never before a slot its lane was given. */
    long plannedAt(String account, String lane, long wallNow) {
        return floors.ofLane(account, lane, plannedAt(wallNow));
    }

    /** Forgets the floors no decision can go below any more. */
    void forgetPassedFloors(long wallNow) {
        floors.forgetUpTo(plannedAt(wallNow));
    }

    /** Rejects waiting calls whose deadline has passed, wherever they wait. */
    void expireDeadlines(long wallNow) {
        long planned = plannedAt(wallNow);
        for (LimiterStores.Expired e : stores.expiredDeadlines(planned)) {
            try {
                expire(e, wallNow);
            } catch (RuntimeException failure) {
                LOG.error("Could not expire call {} of account {}", e.call().request().getRequestId(), e.account(), failure);
                metrics.internalError();
            }
        }
    }

    private void expire(LimiterStores.Expired e, long wallNow) {
        AccountQueue before = stores.queue(e.account());
        LaneScheduler.Removal<WaitingCall> removal = LaneScheduler.remove(before, e.lane(), e.call(), stores.lanes(e.account()));
        if (removal == null) {
            return;
        }
        stores.remove(e.account(), e.lane(), e.call());
        removal.steps().forEach(regrant -> stores.enqueue(e.account(), regrant.lane(), regrant.call()));
        stores.putQueue(e.account(), before, removal.after());
        reject(e.account(), e.call().request(), RejectReason.DEADLINE_PASSED, "deadline "
                + e.call().request().getDeadline() + " passed while the call waited (" + (e.call().bindingRule() == null
                ? "behind earlier calls" : "held by " + e.call().bindingRule()) + ")", e.call().bindingRule(),
                removal.laneBlockedUntilMs(), wallNow);
    }

    // ---- results

    /**
     * Applies a call's result; false if it matches no dispatch in flight (a duplicate, or one already applied).
     *
     * @param early read ahead of the task's consumer ({@link EarlyResults}): its own record comes later, so a
     *     result that matches nothing is not counted as unmatched here
     */
    boolean onResult(DispatchResult result, long wallNow, boolean early) {
        String account = result.getAccount();
        if (!early) {
            // A result read ahead is counted when its own record comes.
            metrics.result(result.getOutcome().name());
        }
        InFlightCall inFlight = stores.inFlight(account, result.getRequestId());
        Long executeAt = result.getExecuteAt() == null ? null : result.getExecuteAt().toEpochMilli();
        if (inFlight == null || !inFlight.isDispatch(result.getAttempt(), executeAt)) {
            // A duplicate (the dispatcher delivers results at least once), the result of an earlier dispatch of
            // a call that has gone again, or one of a call forgotten after the retention: its effects were
            // applied once already, or belong to another dispatch.
            if (!early) {
                metrics.unmatchedResult();
            }
            return false;
        }
        stores.settle(account, result.getRequestId(), wallNow);
        long planned = plannedAt(wallNow);
        AccountResolver.Resolution r = accounts.resolve(account);
        if (result.getExecuteAt() != null && result.getExecutedAt() != null) {
            metrics.dispatchLag(result.getExecutedAt().toEpochMilli() - result.getExecuteAt().toEpochMilli());
        }
        DispatchOutcome outcome = Records.toOutcome(result, inFlight.charges());
        if (!r.ok()) {
            if (outcome.outcome().requeues()) {
                reject(account, result.getRequest(), r.failure(), r.detail(), null, null, wallNow);
            }
            return true;
        }
        if (outcome.plannedAtMs() != null && outcome.latestArrivalMs() != null
                && outcome.latestArrivalMs() > outcome.plannedAtMs() + limiter.settings().jitterMs()) {
            metrics.lateArrival();
        }
        if (outcome.latestArrivalMs() != null && wallNow - outcome.latestArrivalMs() > SLOW_RESULT_MS) {
            metrics.slowResult();
        }
        FeedbackEffect effect = limiter.feedback(r.policy(), r.facts(), outcome, stores.states(account), planned);
        stores.putStates(account, effect.updates());
        if (effect.blocked()) {
            metrics.blocked();
        }
        reportVendorView(account, effect);
        recordActivity(account, () -> ActivityRecords.result(result, inFlight, wallNow), r.facts());
        if (outcome.neverSent() && !outcome.charges().isEmpty()) {
            metrics.refunded(outcome.outcome().name());
        }
        boolean stale = outcome.outcome() == CallOutcome.STALE;
        // A call that waited at the dispatcher for a concurrency permit met a busy vendor, not a dispatcher too late
        // for its slots: it is not counted against max.stale.returns (its maxWait and deadline bound its wait).
        boolean lateForItsSlot = stale && !result.getWaitedForPermit();
        // A spent daily quota is no failed attempt: the call waits for the reset (or is refused if that is too far).
        boolean attempted = !stale && effect.spentQuota() == null;
        InFlightCall returned = new InFlightCall(inFlight.seq(), inFlight.attempt() + (attempted ? 1 : 0), inFlight.dispatchedAtMs(),
                inFlight.plannedAtMs(), inFlight.waitingSinceMs(), inFlight.staleReturns() + (lateForItsSlot ? 1 : 0), inFlight.charges(),
                inFlight.grantedWaitMs());
        if (effect.requeue()) {
            switch (LaneScheduler.onReturn(stale, returned.attempt(), returned.staleReturns(), maxAttempts, maxStaleReturns)) {
                case TOO_MANY_STALE_RETURNS -> reject(account, result.getRequest(), RejectReason.ATTEMPTS_EXHAUSTED, "the call came back STALE "
                        + returned.staleReturns() + " times: the dispatcher cannot send calls within their slots (is its clock ahead, or "
                        + "is dispatch.jitter.ms not above its dispatch.send.margin.ms?); max.stale.returns is " + maxStaleReturns,
                        null, null, wallNow);
                case TOO_MANY_ATTEMPTS -> reject(account, result.getRequest(), RejectReason.ATTEMPTS_EXHAUSTED, "the call came back "
                        + (returned.attempt() - 1) + " times (last: " + outcome.outcome() + (result.getStatus() == null ? ""
                        : " " + result.getStatus()) + "); max.attempts is " + maxAttempts, null, null, wallNow);
                case WAIT_AGAIN -> requeue(result, returned, effect, outcome.outcome(), wallNow);
            }
        }
        // Only freed capacity or a call back in the queue can let a waiting call go sooner; any other
        // result leaves the queue as it is (and keeps results cheap). Results read ahead are applied by a
        // punctuation that looks at every due queue right after them: one look serves them all.
        if (effect.freedCapacity() || effect.requeue()) {
            AccountQueue before = stores.queue(account);
            stores.putQueue(account, before, before.unblocked());
            if (!early) {
                drain(account, wallNow, true);
            }
        }
        return true;
    }

    /**
     * Says what the vendor's headers revealed: a limit below the policy's (the account's plan is likely set
     * wrong), and allowance spent by traffic Tollgate did not send (the users' own UI actions count too).
     */
    private void reportVendorView(String account, FeedbackEffect effect) {
        for (FeedbackEffect.AdoptedLimit adopted : effect.adoptedLimits()) {
            LOG.warn("Account {}: the vendor reports a limit of {} for {} (rule {}), below the policy's {} for this account; "
                    + "Tollgate uses the vendor's {} for it from now on. Is the account's plan right?", account, adopted.vendorLimit(),
                    adopted.subject(), adopted.ruleId(), adopted.policyLimit(), adopted.vendorLimit());
            metrics.vendorLimitAdopted(adopted.ruleId());
        }
        effect.untrackedUnits().forEach(metrics::untrackedUnits);
        if (effect.spentQuota() != null) {
            metrics.vendorQuotaSpent(effect.spentQuota().ruleId());
        }
    }

    /** Puts a call that came back in its old place in its lane; it keeps its age, so its maximum wait bounds every return. */
    private void requeue(DispatchResult result, InFlightCall returned, FeedbackEffect effect, CallOutcome outcome, long wallNow) {
        String account = result.getAccount();
        ApiRequest request = result.getRequest();
        long planned = plannedAt(account, laneOf(request), wallNow);
        FeedbackEffect.SpentQuota spent = effect.spentQuota();
        String binding = outcome == CallOutcome.STALE ? STALE_DISPATCH : outcome == CallOutcome.NETWORK_ERROR ? NETWORK_ERROR
                : spent != null ? spent.ruleId() : Limiter.VENDOR_PAUSE;
        long notBefore = Math.max(effect.pausedUntilMs() == null ? planned : effect.pausedUntilMs(), spent == null ? 0 : spent.resetAtMs());
        String lane = laneOf(request);
        stores.enqueue(account, lane, new WaitingCall(request, returned.seq(), returned.waitingSinceMs(), returned.attempt(), notBefore,
                binding, returned.staleReturns(), returned.grantedWaitMs()));
        AccountQueue before = stores.queue(account);
        stores.putQueue(account, before, before.withArrival(lane, request.getPriority(), returned.seq(), 0));
        out.delay(account, Records.delayed(request, wallNow, notBefore, binding, returned.attempt(), switch (outcome) {
            case STALE -> result.getWaitedForPermit()
                    ? "no concurrency permit freed at the dispatcher within the call's slot (the vendor is busy with the account's other calls); it waits again"
                    : "the dispatcher could not send the call within its slot; it waits again";
            case NETWORK_ERROR -> "the call did not reach the vendor (" + result.getBodyExcerpt() + "); it waits again";
            default -> spent != null ? "the vendor answered " + result.getStatus() + " with " + spent.ruleId()
                    + " spent; the call waits for its reset (this is not a failed attempt)"
                    : "the vendor answered " + result.getStatus() + "; the call waits again";
        }));
        metrics.requeued(outcome.name());
    }
}
