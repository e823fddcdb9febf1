package io.tollgate.limiter;

import io.tollgate.limiter.limit.BucketState;
import io.tollgate.limiter.limit.Charged;
import io.tollgate.limiter.limit.Leases;
import io.tollgate.limiter.limit.Limit;
import io.tollgate.limiter.limit.QuotaCount;
import io.tollgate.limiter.limit.WindowCount;
import io.tollgate.limiter.limit.WindowLog;
import io.tollgate.limiter.limit.Evaluation;
import io.tollgate.limiter.limit.LimitContext;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.PauseState;
import io.tollgate.limiter.rule.AccountMismatchException;
import io.tollgate.limiter.rule.Policy;
import io.tollgate.limiter.rule.Rule;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where every rule is evaluated. {@link #decide} admits a call only if every matching rule admits it,
 * and then charges all of them; otherwise it returns the earliest time all admit it (and the rule
 * that binds) or a rejection, and changes nothing. {@link #feedback} applies a dispatch result.
 *
 * <p>Stateless and thread-safe: state comes in through a {@link StateLookup} and goes out in the
 * decision; time is a parameter.
 */
public final class Limiter {

    /** The binding rule named when a vendor pause holds a call back. */
    public static final String VENDOR_PAUSE = "vendor-pause";
    /** The longest a vendor's header may pause a credential: a day (a larger value is a mistake, or hostile). */
    public static final long MAX_VENDOR_WAIT_MS = 86_400_000L;
    /** Larger header numbers are taken as this: far above any limit, far below overflow. */
    static final double MAX_HEADER_NUMBER = 1e12;

    private final LimiterSettings settings;

    public Limiter(LimiterSettings settings) {
        this.settings = settings;
    }

    public LimiterSettings settings() {
        return settings;
    }

    /**
     * Decides one call.
     *
     * @param nowMs when the call would be sent if admitted now
     * @param waitingSinceMs when the call started waiting ({@code nowMs} for a new call), for maximum waits
     */
    public Decision decide(Policy policy, AccountFacts account, Call call, StateLookup states, long nowMs,
                           long waitingSinceMs) {
        if (call.deadlineMs() != null && nowMs > call.deadlineMs()) {
            return new Decision.Reject(RejectReason.DEADLINE_PASSED,
                    "deadline " + iso(call.deadlineMs()) + " passed before the call could be sent", null, null);
        }
        long notBefore = nowMs;
        String binding = null;
        String detail = "";

        // Before exemptions: a vendor that paused or blocked the credential refuses every call on it.
        if (states.get(RuleKey.pauseOf(call.credential())) instanceof PauseState pause && pause.untilMs() > nowMs) {
            if (pause.untilMs() - waitingSinceMs > policy.maxWaitMs()) {
                return new Decision.Reject(RejectReason.WAIT_EXCEEDS_MAX, "credential paused by the vendor ("
                        + pause.reason() + ") until " + iso(pause.untilMs()) + ", beyond the maximum wait of "
                        + policy.maxWaitMs() + " ms", VENDOR_PAUSE, pause.untilMs());
            }
            notBefore = pause.untilMs();
            binding = VENDOR_PAUSE;
            detail = "vendor paused the credential: " + pause.reason();
        }
        if (policy.isExempt(call)) {
            return notBefore > nowMs ? delayOrReject(call, notBefore, binding, detail) : new Decision.Admit(List.of(), Map.of(), List.of(), true);
        }
        LimitContext ctx = new LimitContext(nowMs, settings.jitterMs(), settings.resultWaitMs(), account);

        List<Evaluated> matching = new ArrayList<>();
        for (Rule rule : policy.rules()) {
            if (!rule.appliesTo(call)) {
                continue;
            }
            long units = rule.limit().countsUnits() ? policy.unitsFor(rule, call) : 1;
            if (units <= 0) {
                continue;
            }
            long capacity;
            try {
                capacity = rule.amount().resolve(account);
            } catch (AccountMismatchException e) {
                return new Decision.Reject(RejectReason.INVALID_ACCOUNT, e.getMessage(), rule.id(), null);
            }
            RuleKey key = new RuleKey(rule.id(), rule.scope().subjectOf(call));
            LimitState state = states.get(key);
            Evaluation evaluation = rule.limit().evaluate(state, units, capacity, ctx);
            matching.add(new Evaluated(rule, key, state, units, capacity, evaluation));
            if (rule.isShadow()) {
                continue;
            }
            if (evaluation.isNever()) {
                return new Decision.Reject(RejectReason.COST_EXCEEDS_LIMIT, "the call costs " + units
                        + " units; rule " + rule.id() + " allows at most " + rule.limit().describe(capacity), rule.id(), null);
            }
            long maxWait = policy.maxWaitOf(rule);
            if (evaluation.admitAtMs() - waitingSinceMs > maxWait) {
                return new Decision.Reject(RejectReason.WAIT_EXCEEDS_MAX, "rule " + rule.id() + " ("
                        + rule.limit().describe(capacity) + ") admits the call at " + iso(evaluation.admitAtMs())
                        + ", beyond the maximum wait of " + maxWait + " ms", rule.id(), evaluation.admitAtMs());
            }
            if (evaluation.admitAtMs() > notBefore) {
                notBefore = evaluation.admitAtMs();
                binding = rule.id();
                detail = "rule " + rule.id() + " (" + rule.limit().describe(capacity) + ") is spent for " + key.subject();
            }
        }

        if (notBefore > nowMs) {
            return delayOrReject(call, notBefore, binding, detail);
        }
        return admit(call, matching, ctx);
    }

    private static Decision delayOrReject(Call call, long notBefore, String binding, String detail) {
        if (call.deadlineMs() != null && notBefore > call.deadlineMs()) {
            return new Decision.Reject(RejectReason.DEADLINE_UNREACHABLE, "the call could go at " + iso(notBefore)
                    + " (" + detail + "), after its deadline " + iso(call.deadlineMs()), binding, notBefore);
        }
        return new Decision.Delay(notBefore, binding, detail);
    }

    private static Decision.Admit admit(Call call, List<Evaluated> matching, LimitContext ctx) {
        List<Charge> charges = new ArrayList<>();
        Map<RuleKey, LimitState> updates = new LinkedHashMap<>();
        List<String> shadowViolations = new ArrayList<>();
        for (Evaluated e : matching) {
            if (e.rule.isShadow() && !e.evaluation.admitsAt(ctx.nowMs())) {
                // Reported, not charged: a shadow rule over its limit must not grow its state without bound.
                shadowViolations.add(e.rule.id());
                continue;
            }
            LimitState current = updates.getOrDefault(e.key, e.state);
            Charged charged = e.rule.limit().charge(current, e.units, e.capacity, call.requestId(), ctx);
            updates.put(e.key, charged.state());
            charges.add(new Charge(e.rule.id(), e.key.subject(), e.units, e.capacity, charged.remaining(),
                    charged.resetAtMs(), e.rule.isShadow()));
        }
        return new Decision.Admit(charges, updates, shadowViolations, false);
    }

    /**
     * Applies a dispatch result: releases concurrency permits, adopts vendor counts lower than
     * Tollgate's own, and pauses the credential after a 429 (until the vendor's reset) or a block.
     */
    public FeedbackEffect feedback(Policy policy, AccountFacts account, DispatchOutcome result, StateLookup states,
                                   long nowMs) {
        LimitContext ctx = new LimitContext(nowMs, settings.jitterMs(), settings.resultWaitMs(), account);
        Map<RuleKey, LimitState> updates = new LinkedHashMap<>();
        Long vendorReset = null;
        boolean freed = false;
        for (Charge charge : result.charges()) {
            Optional<Rule> found = policy.rule(charge.ruleId());
            if (found.isEmpty()) {
                continue;
            }
            Rule rule = found.get();
            RuleKey key = new RuleKey(rule.id(), charge.subject());
            LimitState state = states.get(key);
            LimitState next = rule.limit().release(state, result.requestId(), ctx);
            if (result.plannedAtMs() != null && result.neverSent()) {
                next = rule.limit().refund(next, charge.units(), result.plannedAtMs(), ctx);
            } else if (result.plannedAtMs() != null) {
                next = rule.limit().observeArrival(next, charge.units(), result.plannedAtMs(), result.latestArrivalMs(), ctx);
            }
            freed |= admitsSooner(rule, next, state, charge.units(), resolvedOr(rule, account, charge.limit()), ctx);
            if (rule.feedback() != null) {
                Long resetAt = number(result.headers(), rule.feedback().resetHeader()).map(s -> nowMs + Math.min(s, MAX_VENDOR_WAIT_MS / 1000) * 1000)
                        .orElse(null);
                vendorReset = resetAt != null && (vendorReset == null || resetAt > vendorReset) ? resetAt : vendorReset;
                Optional<Long> vendorRemaining = number(result.headers(), rule.feedback().remainingHeader());
                long capacity = resolvedOr(rule, account, charge.limit());
                if (vendorRemaining.isPresent() && vendorRemaining.get() < charge.remaining()) {
                    next = rule.limit().adopt(next, charge.remaining() - vendorRemaining.get(), resetAt, capacity, ctx);
                }
            }
            if (next != state) {
                updates.put(key, next);
            }
        }

        Long pausedUntil = null;
        if (result.outcome() == Outcome.RATE_LIMITED) {
            long wait = Math.min(MAX_VENDOR_WAIT_MS,
                    retryAfterMs(result.headers(), nowMs).orElse(vendorReset != null ? vendorReset - nowMs : settings.rateLimitedPauseMs()));
            pausedUntil = nowMs + Math.max(wait, 1);
            pause(updates, states, result.credential(), pausedUntil, "429 from the vendor");
        } else if (result.outcome() == Outcome.BLOCKED) {
            pausedUntil = nowMs + settings.blockedPauseMs();
            pause(updates, states, result.credential(), pausedUntil, "blocked by the vendor (403)");
        } else if (result.outcome() == Outcome.NETWORK_ERROR) {
            // The vendor could not be reached: give it a moment before the call (and its neighbours) try again.
            pausedUntil = nowMs + settings.rateLimitedPauseMs();
            pause(updates, states, result.credential(), pausedUntil, "vendor unreachable");
        }
        return new FeedbackEffect(updates, result.outcome().requeues(), pausedUntil, result.outcome() == Outcome.BLOCKED, freed);
    }

    /**
     * Whether a stored counter can be deleted: it now behaves exactly as no counter (the subject stopped
     * calling), or its rule is no longer in the policy and it is older than anything a rule could still
     * count ({@code policy} null: the account has no policy any more).
     */
    public boolean isIdle(Policy policy, AccountFacts account, RuleKey key, LimitState state, long nowMs) {
        if (state instanceof PauseState pause) {
            return pause.untilMs() <= nowMs;
        }
        Optional<Rule> rule = policy == null ? Optional.empty() : policy.rule(key.ruleId());
        if (rule.isPresent()) {
            return rule.get().limit().isIdle(state, new LimitContext(nowMs, settings.jitterMs(), settings.resultWaitMs(), account));
        }
        long horizon = nowMs - 2 * Limit.MAX_SPAN_MS - settings.resultWaitMs() - settings.jitterMs();
        if (state instanceof WindowLog log) {
            return log.size() == 0 || log.timeAt(log.size() - 1) < horizon;
        }
        if (state instanceof WindowCount count) {
            return count.windowStartMs() < horizon;
        }
        if (state instanceof QuotaCount count) {
            return (count.day() + 2) * 86_400_000L < horizon;
        }
        if (state instanceof BucketState bucket) {
            return bucket.tatNanos() / 1_000_000L < horizon;
        }
        return state instanceof Leases leases && leases.held().stream().allMatch(l -> l.expiresAtMs() <= nowMs);
    }

    /**
     * Whether a call like this one could go sooner after the result than before it: a released permit,
     * or a charge held past its window for want of a result. Only then is the queue worth a new look.
     */
    private static boolean admitsSooner(Rule rule, LimitState after, LimitState before, long units, long capacity, LimitContext ctx) {
        if (after == before) {
            return false;
        }
        Evaluation then = rule.limit().evaluate(before, units, capacity, ctx);
        Evaluation now = rule.limit().evaluate(after, units, capacity, ctx);
        return !now.isNever() && (then.isNever() || now.admitAtMs() < then.admitAtMs());
    }

    private static void pause(Map<RuleKey, LimitState> updates, StateLookup states, String credential, long untilMs,
                              String reason) {
        RuleKey key = RuleKey.pauseOf(credential);
        if (states.get(key) instanceof PauseState existing && existing.untilMs() >= untilMs) {
            return;
        }
        updates.put(key, new PauseState(untilMs, reason));
    }

    private static long resolvedOr(Rule rule, AccountFacts account, long fallback) {
        try {
            return rule.amount().resolve(account);
        } catch (AccountMismatchException e) {
            return fallback;
        }
    }

    /** Retry-After as delay-seconds or an HTTP date, within [0, {@link #MAX_VENDOR_WAIT_MS}]. */
    static Optional<Long> retryAfterMs(Map<String, String> headers, long nowMs) {
        String value = headers.get("retry-after");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Optional<Long> seconds = number(headers, "retry-after");
        if (seconds.isPresent()) {
            return Optional.of(Math.min(seconds.get(), MAX_VENDOR_WAIT_MS / 1000) * 1000);
        }
        try {
            long at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Optional.of(Math.max(0, Math.min(MAX_VENDOR_WAIT_MS, at - nowMs)));
        } catch (DateTimeParseException | ArithmeticException notADate) {
            return Optional.empty();
        }
    }

    /**
     * A header's number, rounded down, within [0, {@link #MAX_HEADER_NUMBER}]; empty when it is missing
     * or not a finite number (a vendor, or a proxy in front of it, may send anything).
     */
    private static Optional<Long> number(Map<String, String> headers, String name) {
        if (name == null) {
            return Optional.empty();
        }
        String value = headers.get(name);
        if (value == null || value.length() > 64) {
            return Optional.empty();
        }
        try {
            double parsed = Double.parseDouble(value.trim());
            if (!Double.isFinite(parsed)) {
                return Optional.empty();
            }
            return Optional.of((long) Math.floor(Math.max(0, Math.min(MAX_HEADER_NUMBER, parsed))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String iso(long epochMs) {
        return java.time.Instant.ofEpochMilli(epochMs).toString();
    }

    private record Evaluated(Rule rule, RuleKey key, LimitState state, long units, long capacity, Evaluation evaluation) {
    }
}
