package io.tollgate.limiter;

import io.tollgate.limiter.limit.BucketState;
import io.tollgate.limiter.limit.Charged;
import io.tollgate.limiter.limit.ConcurrencyLimit;
import io.tollgate.limiter.limit.CredentialState;
import io.tollgate.limiter.limit.Evaluation;
import io.tollgate.limiter.limit.Leases;
import io.tollgate.limiter.limit.Limit;
import io.tollgate.limiter.limit.LimitContext;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.QuotaCount;
import io.tollgate.limiter.limit.Usage;
import io.tollgate.limiter.limit.WindowCount;
import io.tollgate.limiter.limit.WindowLog;
import io.tollgate.limiter.rule.AccountMismatchException;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import io.tollgate.limiter.rule.SubjectScope;
import io.tollgate.limiter.rule.VendorHeaders;
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
    /**
     * How often a vendor limit that still holds is stamped again: often enough that one in use never
     * expires, rarely enough that results do not each write it.
     */
    static final long VENDOR_LIMIT_REFRESH_MS = 3_600_000L;
    /** A vendor limit not confirmed for this long is forgotten (the credential stopped calling). */
    public static final long VENDOR_LIMIT_TTL_MS = 86_400_000L;

    private final LimiterSettings settings;

    public Limiter(LimiterSettings settings) {
        this.settings = settings;
    }

    public LimiterSettings settings() {
        return settings;
    }

    /** Decides a call that no rule held before: see {@link #decide(LimitPolicy, AccountFacts, Call, StateLookup, long, long, long)}. */
    public Decision decide(LimitPolicy policy, AccountFacts account, Call call, StateLookup states, long nowMs,
                           long waitingSinceMs) {
        return decide(policy, account, call, states, nowMs, waitingSinceMs, 0);
    }

    /**
     * Decides one call.
     *
     * @param nowMs when the call would be sent if admitted now
     * @param waitingSinceMs when the call started waiting ({@code nowMs} for a new call), for maximum waits
     * @param grantedWaitMs the longest maximum wait of the rules that held the call before (0 if none): its
     *     wait so far was theirs to allow, so a rule with a shorter maximum holding it now does not refuse it
     *     for that, only for holding it beyond the longer of the two
     */
    public Decision decide(LimitPolicy policy, AccountFacts account, Call call, StateLookup states, long nowMs,
                           long waitingSinceMs, long grantedWaitMs) {
        call = policy.canonical(call);
        if (call.deadlineMs() != null && nowMs > call.deadlineMs()) {
            return new Decision.Reject(RejectReason.DEADLINE_PASSED,
                    "deadline " + iso(call.deadlineMs()) + " passed before the call could be sent", null, null);
        }
        long notBefore = nowMs;
        String binding = null;
        String detail = "";
        long bindingMaxWait = 0;

        // Before exemptions: a vendor that paused or blocked the credential refuses every call on it.
        CredentialState credential = states.get(RuleKey.credentialOf(call.credential())) instanceof CredentialState c
                ? c : CredentialState.NONE;
        if (credential.isPausedAt(nowMs)) {
            long until = credential.pausedUntilMs();
            if (until - waitingSinceMs > Math.max(policy.maxWaitMs(), grantedWaitMs)) {
                return new Decision.Reject(RejectReason.WAIT_EXCEEDS_MAX, "credential paused by the vendor ("
                        + credential.pauseReason() + ") until " + iso(until) + ", beyond the maximum wait of "
                        + policy.maxWaitMs() + " ms", VENDOR_PAUSE, until);
            }
            notBefore = until;
            binding = VENDOR_PAUSE;
            detail = "vendor paused the credential: " + credential.pauseReason();
            bindingMaxWait = policy.maxWaitMs();
        }
        if (policy.isExempt(call)) {
            return notBefore > nowMs ? delayOrReject(call, notBefore, binding, detail, bindingMaxWait)
                    : new Decision.Admit(List.of(), Map.of(), List.of(), true);
        }
        LimitContext ctx = new LimitContext(nowMs, settings.jitterMs(), settings.resultWaitMs(), account);
        boolean waitsAtDispatcher = settings.concurrencyPrefetch() > 0 && mayWaitAtDispatcher(policy, call);

        List<Evaluated> matching = new ArrayList<>();
        for (LimitRule rule : policy.rules()) {
            if (!rule.appliesTo(call)) {
                continue;
            }
            long units = rule.limit().countsUnits() ? policy.unitsFor(rule, call) : 1;
            if (units <= 0) {
                continue;
            }
            RuleKey key = new RuleKey(rule.id(), rule.scope().subjectOf(call));
            LimitState state = states.get(key);
            long capacity;
            Evaluation evaluation;
            try {
                capacity = withVendorLimit(rule, rule.amount().resolve(account), credential);
                // The dispatcher holds what is sent ahead until a permit frees: the limit at the vendor stays the rule's.
                long admitted = waitsAtDispatcher && rule.limit() instanceof ConcurrencyLimit ? withPrefetch(capacity) : capacity;
                evaluation = rule.limit().evaluate(state, units, admitted, ctx);
            } catch (AccountMismatchException e) {
                return new Decision.Reject(RejectReason.INVALID_ACCOUNT, e.getMessage(), rule.id(), null);
            }
            matching.add(new Evaluated(rule, key, state, units, capacity, evaluation));
            if (rule.isShadow()) {
                continue;
            }
            if (evaluation.isNever()) {
                return new Decision.Reject(RejectReason.COST_EXCEEDS_LIMIT, "the call costs " + units
                        + " units; rule " + rule.id() + " allows at most " + rule.limit().describe(capacity), rule.id(), null);
            }
            long maxWait = policy.maxWaitOf(rule);
            // A call that waited longer than a rule allows is refused, unless a rule that held it before (a daily
            // reset it was parked for) allowed it that long. That excuses the wait so far, not a hold of this rule's
            // own: a rule never holds a call longer than its maximum from now (a moment's wait for a connection,
            // granted the policy's hour, must not let a call outwait a daily rule's five minutes until its reset).
            if (evaluation.admitAtMs() - waitingSinceMs > Math.max(maxWait, grantedWaitMs) || evaluation.admitAtMs() - nowMs > maxWait) {
                return new Decision.Reject(RejectReason.WAIT_EXCEEDS_MAX, "rule " + rule.id() + " ("
                        + rule.limit().describe(capacity) + ") admits the call at " + iso(evaluation.admitAtMs())
                        + ", beyond the maximum wait of " + maxWait + " ms", rule.id(), evaluation.admitAtMs());
            }
            if (evaluation.admitAtMs() > notBefore) {
                notBefore = evaluation.admitAtMs();
                binding = rule.id();
                detail = "rule " + rule.id() + " (" + rule.limit().describe(capacity) + ") is spent for " + key.subject();
                bindingMaxWait = maxWait;
            }
        }

        if (notBefore > nowMs) {
            return delayOrReject(call, notBefore, binding, detail, bindingMaxWait);
        }
        return admit(call, matching, ctx, waitsAtDispatcher);
    }

    /** Whether a concurrency limit counts the call, and everything that counts it lets it go late (see {@link Limit#toleratesLateSend()}). */
    private static boolean mayWaitAtDispatcher(LimitPolicy policy, Call call) {
        boolean permit = false;
        for (LimitRule rule : policy.rules()) {
            if (rule.isShadow() || !rule.appliesTo(call) || rule.limit().countsUnits() && policy.unitsFor(rule, call) <= 0) {
                continue;
            }
            if (!rule.limit().toleratesLateSend()) {
                return false;
            }
            permit |= rule.limit() instanceof ConcurrencyLimit;
        }
        return permit;
    }

    private long withPrefetch(long capacity) {
        long factor = 1L + settings.concurrencyPrefetch();
        return capacity > Long.MAX_VALUE / factor ? Long.MAX_VALUE : capacity * factor;
    }

    /**
     * What the counter {@code key} shows at {@code nowMs}, or empty when its rule is not in the policy (or the
     * account cannot be read for it any more).
     */
    public Optional<Counter> counter(LimitPolicy policy, AccountFacts account, RuleKey key, StateLookup states, long nowMs) {
        Optional<LimitRule> found = policy.rule(key.ruleId());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LimitRule rule = found.get();
        LimitContext ctx = new LimitContext(nowMs, settings.jitterMs(), settings.resultWaitMs(), account);
        try {
            long policyLimit = rule.amount().resolve(account);
            CredentialState credential = rule.scope() == SubjectScope.CREDENTIAL
                    && states.get(new RuleKey(RuleKey.CREDENTIAL_RULE, key.subject())) instanceof CredentialState c ? c : CredentialState.NONE;
            long limit = withVendorLimit(rule, policyLimit, credential);
            LimitState state = states.get(key);
            Usage usage = rule.limit().usage(state, limit, ctx);
            // A shadow rule only reports: it never holds a call back.
            boolean binding = !rule.isShadow() && !rule.limit().evaluate(state, 1, limit, ctx).admitsAt(nowMs);
            return Optional.of(new Counter(rule, key.subject(), limit, usage, binding, runsOutAt(rule, usage, nowMs),
                    limit < policyLimit ? limit : null));
        } catch (AccountMismatchException e) {
            return Optional.empty();
        }
    }

    /** A calendar quota's projected end at the rate of its period so far, when that comes before its reset. */
    private static Long runsOutAt(LimitRule rule, Usage usage, long nowMs) {
        if (!rule.limit().isCalendarQuota() || usage.periodStartMs() == null || usage.resetAtMs() == null || usage.used() <= 0) {
            return null;
        }
        long elapsed = nowMs - usage.periodStartMs();
        if (elapsed <= 0) {
            return null;
        }
        double perMs = (double) usage.used() / elapsed;
        double at = nowMs + usage.remaining() / perMs;
        return at < usage.resetAtMs() ? (long) at : null;
    }

    /** The policy's limit for a credential, or the vendor's where it reported a lower one for the rule. */
    private static long withVendorLimit(LimitRule rule, long policyLimit, CredentialState credential) {
        if (rule.scope() != SubjectScope.CREDENTIAL || credential.vendorLimits().isEmpty()) {
            return policyLimit;
        }
        Long vendor = credential.vendorLimits().get(rule.id());
        return vendor != null && vendor < policyLimit ? vendor : policyLimit;
    }

    private static Decision delayOrReject(Call call, long notBefore, String binding, String detail, long maxWaitMs) {
        if (call.deadlineMs() != null && notBefore > call.deadlineMs()) {
            return new Decision.Reject(RejectReason.DEADLINE_UNREACHABLE, "the call could go at " + iso(notBefore)
                    + " (" + detail + "), after its deadline " + iso(call.deadlineMs()), binding, notBefore);
        }
        return new Decision.Delay(notBefore, binding, detail, maxWaitMs);
    }

    private Decision.Admit admit(Call call, List<Evaluated> matching, LimitContext ctx, boolean waitsAtDispatcher) {
        List<RuleCharge> charges = new ArrayList<>();
        List<DispatcherPermits.Permit> permits = new ArrayList<>();
        long latestSendMs = waitsAtDispatcher ? Long.MAX_VALUE : ctx.nowMs() + settings.jitterMs();
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
            charges.add(new RuleCharge(e.rule.id(), e.key.subject(), e.units, e.capacity, charged.remaining(),
                    charged.resetAtMs(), e.rule.isShadow(), charged.untracked()));
            if (e.rule.isShadow()) {
                continue;
            }
            if (e.rule.limit() instanceof ConcurrencyLimit concurrency) {
                permits.add(new DispatcherPermits.Permit(e.rule.id(), e.key.subject(), e.capacity, concurrency.leaseMs(),
                        ConcurrencyLimit.held(current, ctx.nowMs())));
                if (waitsAtDispatcher) {
                    // A quarter: a call started at the last moment still ends within its lease, which is as long as a
                    // dispatcher that takes the partition over counts it, if the dispatcher gives it up in time (its connect
                    // timeout plus twice its request timeout; README, "How it works").
                    latestSendMs = Math.min(latestSendMs, ctx.nowMs() + concurrency.leaseMs() / 4);
                }
            } else if (waitsAtDispatcher && charged.resetAtMs() != null) {
                // Sent after the reset, the call would count in the next period at the vendor, and in this one here.
                latestSendMs = Math.min(latestSendMs, charged.resetAtMs() - 1);
            }
        }
        if (call.deadlineMs() != null) {
            latestSendMs = Math.min(latestSendMs, call.deadlineMs());
        }
        DispatcherPermits handoff = permits.isEmpty() ? null
                : new DispatcherPermits(permits, Math.max(latestSendMs, ctx.nowMs() + settings.jitterMs()));
        return new Decision.Admit(charges, updates, shadowViolations, false, handoff);
    }

    /**
     * How many units the vendor's remaining count shows that Tollgate did not send. The count the call was
     * charged with ({@code remainingAtCharge}, less what was adopted since) misses calls charged after it
     * that reached the vendor first. A limit that knows when each of its units counts can also give every
     * unit the vendor can have counted when the call reached it, adopted units included; that count misses
     * calls a result read late no longer finds (pruned since). Each errs only by taking Tollgate's own calls
     * for someone else's, so the smaller deficit is the truer one.
     */
    private static long deficit(LimitRule rule, LimitState state, long effective, long vendorRemaining, long remainingAtCharge,
                                DispatchOutcome result, Long latestArrivalMs, LimitContext ctx) {
        java.util.OptionalLong atArrival = result.plannedAtMs() == null || latestArrivalMs == null ? java.util.OptionalLong.empty()
                : rule.limit().remainingAt(state, effective, Math.min(result.plannedAtMs(), latestArrivalMs), latestArrivalMs, ctx);
        return Math.min(remainingAtCharge, atArrival.orElse(remainingAtCharge)) - vendorRemaining;
    }

    /**
     * Applies a dispatch result: releases concurrency permits, adopts vendor counts and limits lower than
     * Tollgate's own, and pauses the credential after a 429 (until the vendor's reset) or a block. A 429
     * that comes with a calendar quota reported spent is a spent quota, not a burst: the call waits for
     * that quota's reset instead of retrying.
     */
    public FeedbackEffect feedback(LimitPolicy policy, AccountFacts account, DispatchOutcome result, StateLookup states,
                                   long nowMs) {
        LimitContext ctx = new LimitContext(nowMs, settings.jitterMs(), settings.resultWaitMs(), account);
        Map<RuleKey, LimitState> updates = new LinkedHashMap<>();
        RuleKey credentialKey = RuleKey.credentialOf(result.credential());
        CredentialState before = states.get(credentialKey) instanceof CredentialState c ? c : CredentialState.NONE;
        VendorLimits limits = new VendorLimits(before, nowMs);
        Map<String, Long> untracked = new LinkedHashMap<>();
        Long vendorReset = null;
        boolean freed = false;
        FeedbackEffect.SpentQuota spentQuota = null;
        boolean windowHeadersAmbiguous = chargedWindows(policy, result) > 1;
        // A result is dated by the worker that sent the call; the next call of the window may go from another.
        Long latestArrival = result.latestArrivalMs() == null ? null : result.latestArrivalMs() + settings.clockToleranceMs();
        for (RuleCharge charge : result.charges()) {
            Optional<LimitRule> found = policy.rule(charge.ruleId());
            if (found.isEmpty()) {
                continue;
            }
            LimitRule rule = found.get();
            RuleKey key = new RuleKey(rule.id(), charge.subject());
            LimitState state = states.get(key);
            LimitState next;
            try {
                long capacity = resolvedOr(rule, account, charge.limit());
                next = rule.limit().release(state, result.requestId(), ctx);
                if (result.plannedAtMs() != null && result.neverSent()) {
                    next = rule.limit().refund(next, charge.units(), result.plannedAtMs(), ctx);
                } else if (result.plannedAtMs() != null) {
                    next = rule.limit().observeArrival(next, charge.units(), result.plannedAtMs(), latestArrival, result.answered(), ctx);
                }
                VendorHeaders feedback = rule.feedback();
                Optional<Long> reportedLimit = Optional.empty();
                if (feedback != null && !(windowHeadersAmbiguous && rule.limit().isWindow())) {
                    reportedLimit = number(result.headers(), feedback.limitHeader()).filter(l -> l >= 1);
                    if (rule.scope() == SubjectScope.CREDENTIAL) {
                        reportedLimit.ifPresent(l -> limits.report(rule.id(), charge.subject(), capacity, l));
                    }
                }
                // The limit decisions use from now on: the policy's, or the vendor's for this credential.
                long effective = withVendorLimit(rule, capacity, limits.after());
                if (feedback != null) {
                    Long resetAt = number(result.headers(), feedback.resetHeader())
                            .map(s -> nowMs + Math.min(s, MAX_VENDOR_WAIT_MS / 1000) * 1000).orElse(null);
                    vendorReset = resetAt != null && (vendorReset == null || resetAt > vendorReset) ? resetAt : vendorReset;
                    Optional<Long> vendorRemaining = number(result.headers(), feedback.remainingHeader());
                    // Tollgate's own count, under the limit it uses from now on (a charge made against a limit
                    // found too high left less than it said).
                    long tollgateRemaining = charge.remaining() - Math.max(0, charge.limit() - effective);
                    long countedNow = rule.limit().usage(next, effective, ctx).untracked();
                    long deficit = vendorRemaining.isEmpty() ? 0
                            : deficit(rule, next, effective, vendorRemaining.get(), tollgateRemaining - Math.max(0, countedNow - charge.untracked()),
                            result, latestArrival, ctx);
                    if (deficit > 0) {
                        next = rule.limit().adopt(next, deficit, resetAt, effective, ctx);
                        // A limit still set too high (one Tollgate does not keep per credential) is no one else's
                        // spending: the first deficit it shows is the gap, not traffic Tollgate did not send.
                        long gapNotYetCounted = reportedLimit.map(l -> Math.max(0, effective - l - countedNow)).orElse(0L);
                        if (deficit > gapNotYetCounted) {
                            untracked.merge(rule.id(), deficit - gapNotYetCounted, Long::sum);
                        }
                    }
                    if (result.outcome() == CallOutcome.RATE_LIMITED && rule.limit().isCalendarQuota() && !charge.shadow()
                            && vendorRemaining.isPresent() && vendorRemaining.get() == 0) {
                        Long reset = rule.limit().usage(next, effective, ctx).resetAtMs();
                        if (reset != null && (spentQuota == null || reset > spentQuota.resetAtMs())) {
                            spentQuota = new FeedbackEffect.SpentQuota(rule.id(), reset);
                        }
                    }
                }
                freed |= admitsSooner(rule, next, state, charge.units(), effective, ctx)
                        // A permit freed among the calls sent ahead lets the next call be sent ahead.
                        || settings.concurrencyPrefetch() > 0 && rule.limit() instanceof ConcurrencyLimit
                        && admitsSooner(rule, next, state, charge.units(), withPrefetch(effective), ctx);
            } catch (AccountMismatchException e) {
                // The account changed since the call was charged (its zone or plan is gone): its counters
                // cannot be read any more, and its next calls are refused for the same reason.
                continue;
            }
            if (next != state) {
                updates.put(key, next);
            }
        }

        CredentialState credential = limits.after();
        Long pausedUntil = null;
        if (result.outcome() == CallOutcome.RATE_LIMITED) {
            long wait = Math.min(MAX_VENDOR_WAIT_MS,
                    retryAfterMs(result.headers(), nowMs).orElse(vendorReset != null ? vendorReset - nowMs : settings.rateLimitedPauseMs()));
            pausedUntil = nowMs + Math.max(wait, 1);
            credential = paused(credential, pausedUntil, spentQuota == null ? "429 from the vendor"
                    : "429 from the vendor: " + spentQuota.ruleId() + " spent");
        } else if (result.outcome() == CallOutcome.BLOCKED) {
            pausedUntil = nowMs + settings.blockedPauseMs();
            credential = paused(credential, pausedUntil, "blocked by the vendor (403)");
        } else if (result.outcome() == CallOutcome.NETWORK_ERROR) {
            // The vendor could not be reached: give it a moment before the call (and its neighbours) try again.
            pausedUntil = nowMs + settings.rateLimitedPauseMs();
            credential = paused(credential, pausedUntil, "vendor unreachable");
        }
        if (!credential.equals(before)) {
            updates.put(credentialKey, credential.equals(CredentialState.NONE) ? null : credential);
        }
        return new FeedbackEffect(updates, result.outcome().requeues(), pausedUntil, result.outcome() == CallOutcome.BLOCKED, freed,
                spentQuota, limits.adopted(), untracked);
    }

    /** The credential paused until {@code untilMs}, unless it already is for longer. */
    private static CredentialState paused(CredentialState credential, long untilMs, String reason) {
        return credential.pausedUntilMs() >= untilMs ? credential : credential.pausedUntil(untilMs, reason);
    }

    /**
     * The vendor limits of one credential as a result changes them: a limit below the policy's is kept
     * (a plan set wrong in the account record would otherwise mean a 429 on every burst), one at or above
     * it is forgotten, and a limit that still holds is stamped again now and then so that it does not expire.
     */
    private static final class VendorLimits {
        private final CredentialState before;
        private final long nowMs;
        private final Map<String, Long> limits;
        private final List<FeedbackEffect.AdoptedLimit> adopted = new ArrayList<>();
        private boolean confirmed;

        VendorLimits(CredentialState before, long nowMs) {
            this.before = before;
            this.nowMs = nowMs;
            this.limits = new LinkedHashMap<>(before.vendorLimits());
        }

        void report(String ruleId, String subject, long policyLimit, long vendorLimit) {
            if (vendorLimit >= policyLimit) {
                limits.remove(ruleId);
                return;
            }
            Long known = limits.put(ruleId, vendorLimit);
            confirmed = true;
            if (known == null || known != vendorLimit) {
                adopted.add(new FeedbackEffect.AdoptedLimit(ruleId, subject, policyLimit, vendorLimit));
            }
        }

        CredentialState after() {
            boolean changed = !limits.equals(before.vendorLimits());
            boolean stale = confirmed && nowMs - before.limitsSeenAtMs() >= VENDOR_LIMIT_REFRESH_MS;
            return changed || stale ? before.withVendorLimits(limits, nowMs) : before;
        }

        List<FeedbackEffect.AdoptedLimit> adopted() {
            return adopted;
        }
    }

    /** How many enforced window rules the call was charged to: a vendor's per-window headers describe one of them. */
    private static int chargedWindows(LimitPolicy policy, DispatchOutcome result) {
        int windows = 0;
        for (RuleCharge charge : result.charges()) {
            Optional<LimitRule> rule = policy.rule(charge.ruleId());
            if (rule.isPresent() && rule.get().limit().isWindow() && !charge.shadow()) {
                windows++;
            }
        }
        return windows;
    }

    /**
     * Whether a stored counter can be deleted: it now behaves exactly as no counter (the subject stopped
     * calling), or its rule is no longer in the policy and it is older than anything a rule could still
     * count ({@code policy} null: the account has no policy any more).
     */
    public boolean isIdle(LimitPolicy policy, AccountFacts account, RuleKey key, LimitState state, long nowMs) {
        if (state instanceof CredentialState credential) {
            return !credential.isPausedAt(nowMs)
                    && (credential.vendorLimits().isEmpty() || nowMs - credential.limitsSeenAtMs() >= VENDOR_LIMIT_TTL_MS);
        }
        Optional<LimitRule> rule = policy == null ? Optional.empty() : policy.rule(key.ruleId());
        if (rule.isPresent()) {
            try {
                return rule.get().limit().isIdle(state, new LimitContext(nowMs, settings.jitterMs(), settings.resultWaitMs(), account));
            } catch (AccountMismatchException e) {
                return false; // cannot be read for this account now; kept until it can
            }
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
    private static boolean admitsSooner(LimitRule rule, LimitState after, LimitState before, long units, long capacity, LimitContext ctx) {
        if (after == before) {
            return false;
        }
        Evaluation then = rule.limit().evaluate(before, units, capacity, ctx);
        Evaluation now = rule.limit().evaluate(after, units, capacity, ctx);
        return !now.isNever() && (then.isNever() || now.admitAtMs() < then.admitAtMs());
    }

    private static long resolvedOr(LimitRule rule, AccountFacts account, long fallback) {
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

    private record Evaluated(LimitRule rule, RuleKey key, LimitState state, long units, long capacity, Evaluation evaluation) {
    }
}
