package io.tollgate.limiter.limit;

/**
 * A limit algorithm. Each works on its own state type and treats any other state (or null) as fresh,
 * so a rule whose kind changes in a policy update starts counting anew instead of failing.
 *
 * <p>The guarantee every implementation keeps: for any send time within the context's jitter, the
 * vendor never sees more than {@code capacity} in the limit's unit of time.
 */
public sealed interface Limit
        permits SlidingWindowLimit, FixedWindowLimit, TokenBucketLimit, DailyQuotaLimit, ConcurrencyLimit {

    /**
     * The longest span any limit counts over (a window, a lease, a refill period): policies are refused
     * beyond it. It bounds how long a counter whose rule was removed can still matter.
     */
    long MAX_SPAN_MS = 7L * 86_400_000L;

    /** When {@code units} could be charged; {@link Evaluation#never()} if never. */
    Evaluation evaluate(LimitState state, long units, long capacity, LimitContext ctx);

    /** Charges {@code units} at {@code ctx.nowMs()}; only called after {@link #evaluate} admitted them. */
    Charged charge(LimitState state, long units, long capacity, String requestId, LimitContext ctx);

    /**
     * The least this limit can have left by the vendor's count when a call reached it, some time from
     * {@code earliestMs} to {@code latestMs}: the capacity less every unit of Tollgate's the vendor may have
     * counted then (adopted units included). Empty when the state does not keep when each unit counts (then
     * a vendor's remaining count is compared with the one its call was charged with).
     */
    default java.util.OptionalLong remainingAt(LimitState state, long capacity, long earliestMs, long latestMs, LimitContext ctx) {
        return java.util.OptionalLong.empty();
    }

    /** Counts {@code deficit} more units the vendor saw but Tollgate did not, until {@code resetAtMs} if known. */
    LimitState adopt(LimitState state, long deficit, Long resetAtMs, long capacity, LimitContext ctx);

    /** The counter as a user sees it now. */
    Usage usage(LimitState state, long capacity, LimitContext ctx);

    /**
     * Whether this limit counts over a short rolling or aligned window (seconds), as a vendor's per-request
     * rate-limit headers describe it: a call counted by two such limits makes those headers ambiguous.
     */
    default boolean isWindow() {
        return false;
    }

    /** Whether this limit is a calendar quota, which a vendor's "0 left today" spends until its reset. */
    default boolean isCalendarQuota() {
        return false;
    }

    /** Whether a call's units count, or only the call itself (concurrency holds one permit per call). */
    /**
     * Whether a call it admitted may reach the vendor later than planned without breaking it, as long as it
     * goes before the limit resets: true for what counts per day and for permits, false for windows (their
     * check allows only the jitter). A call that only such limits count may wait at the dispatcher for a
     * concurrency permit.
     */
    default boolean toleratesLateSend() {
        return false;
    }

    default boolean countsUnits() {
        return true;
    }

    /** Frees what a finished call held; only concurrency holds anything. */
    default LimitState release(LimitState state, String requestId, LimitContext ctx) {
        return state;
    }

    /**
     * Applies what a call's result says about {@code units} charged at {@code plannedMs}: the vendor saw
     * them no later than {@code latestArrivalMs}, or never ({@code null}: the call was not sent). Charges
     * that may have reached the vendor later than the jitter allows for move there, so the next window's
     * calls cannot meet them at the vendor. When the vendor {@code answered} the call, it surely saw it by
     * {@code latestArrivalMs}: a limit may then count it there even if that is sooner than its slot's end.
     */
    default LimitState observeArrival(LimitState state, long units, long plannedMs, Long latestArrivalMs, boolean answered, LimitContext ctx) {
        return state;
    }

    /**
     * Gives back {@code units} charged at {@code plannedMs} for a call that never reached the vendor (it
     * came back STALE, NOT_SENT, or without a connection): the vendor never counted it, so neither should
     * Tollgate. A limit that cannot tell the charge apart from later ones keeps it (waste, never excess).
     */
    default LimitState refund(LimitState state, long units, long plannedMs, LimitContext ctx) {
        return state;
    }

    /**
     * Whether {@code state} now behaves exactly as no state at all: it may then be deleted, so that
     * counters of subjects that stopped calling do not stay in the store forever.
     */
    boolean isIdle(LimitState state, LimitContext ctx);

    /** Human-readable form, e.g. "20 per 2000 ms (sliding)". */
    String describe(long capacity);
}
