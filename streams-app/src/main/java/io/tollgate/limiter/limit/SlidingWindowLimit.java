package io.tollgate.limiter.limit;

/**
 * Never more than {@code capacity} units in any interval of {@code windowMs}, wherever the vendor's
 * window starts. A token bucket of capacity N refilled at N per window would admit 2N within one
 * window; this log of charges does not.
 *
 * <p>Because the vendor may see a call up to the jitter later than planned, the log is checked over
 * {@code windowMs + jitter}: two calls planned that far apart can arrive no closer than one window.
 */
public record SlidingWindowLimit(long windowMs) implements Limit {

    public SlidingWindowLimit {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("window must be positive");
        }
    }

    @Override
    public Evaluation evaluate(LimitState state, long units, long capacity, LimitContext ctx) {
        if (units > capacity) {
            return Evaluation.never();
        }
        WindowLog log = live(state, ctx);
        long excess = log.total() + units - capacity;
        if (excess <= 0) {
            return Evaluation.at(ctx.nowMs());
        }
        long freed = 0;
        for (int i = 0; i < log.size(); i++) {
            freed += log.unitsAt(i);
            if (freed >= excess) {
                return Evaluation.at(log.timeAt(i) + span(ctx));
            }
        }
        throw new IllegalStateException("unreachable: units <= capacity");
    }

    @Override
    public Charged charge(LimitState state, long units, long capacity, String requestId, LimitContext ctx) {
        WindowLog log = live(state, ctx).plus(ctx.nowMs(), units);
        return new Charged(log, Math.max(0, capacity - log.total()), log.timeAt(0) + span(ctx));
    }

    @Override
    public LimitState adopt(LimitState state, long deficit, Long resetAtMs, long capacity, LimitContext ctx) {
        WindowLog log = live(state, ctx);
        long add = Math.min(deficit, capacity - log.total());
        if (add <= 0) {
            return log;
        }
        // The vendor frees these units at resetAtMs: age them so they leave the log then (never later
        // than a whole window, never so old that they are already gone).
        long at = resetAtMs == null ? ctx.nowMs() : resetAtMs - windowMs;
        at = Math.max(ctx.nowMs() - span(ctx) + 1, Math.min(ctx.nowMs(), at));
        return log.plus(at, add);
    }

    @Override
    public LimitState observeArrival(LimitState state, long units, long plannedMs, long latestArrivalMs, LimitContext ctx) {
        long restamp = latestArrivalMs - ctx.jitterMs();
        if (restamp <= plannedMs || !(state instanceof WindowLog log)) {
            return state;
        }
        // Counted at plannedMs, the call may have reached the vendor at latestArrivalMs: count it there,
        // so the window frees it one window after its real arrival, not after its plan.
        return log.moved(plannedMs, restamp, units);
    }

    @Override
    public Usage usage(LimitState state, long capacity, LimitContext ctx) {
        WindowLog log = live(state, ctx);
        long used = log.total();
        return new Usage(used, capacity, Math.max(0, capacity - used), log.size() == 0 ? null : log.timeAt(0) + span(ctx), null);
    }

    @Override
    public String describe(long capacity) {
        return capacity + " per " + windowMs + " ms (sliding)";
    }

    private long span(LimitContext ctx) {
        return windowMs + ctx.jitterMs();
    }

    private WindowLog live(LimitState state, LimitContext ctx) {
        return state instanceof WindowLog log ? log.after(ctx.nowMs() - span(ctx)) : WindowLog.EMPTY;
    }
}
