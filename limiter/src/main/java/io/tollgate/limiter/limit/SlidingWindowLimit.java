package io.tollgate.limiter.limit;

import java.util.OptionalLong;

/**
 * Never more than {@code capacity} units in any interval of {@code windowMs}, wherever the vendor's
 * window starts. A token bucket of capacity N refilled at N per window would admit 2N within one
 * window; this log of charges does not.
 *
 * <p>Because the vendor may see a call up to the jitter later than planned, the log is checked over
 * {@code windowMs + jitter}: two calls planned that far apart can arrive no closer than one window.
 * That bound holds only until the call's result says when the vendor saw it at the latest; the charge
 * then moves there, so that it frees one window after that arrival. Most calls arrive well within their
 * slot, so the window keeps only the slack each call needed, not the jitter; one that reached the vendor
 * later than its slot (a stalled sender, a slow network) moves later instead. Until the result comes, a charge does not leave
 * the log: its capacity is reused only once the limiter knows when the vendor saw it (or, if the
 * result never comes, after the context's result wait).
 */
public record SlidingWindowLimit(long windowMs) implements Limit {

    @Override
    public boolean isWindow() {
        return true;
    }

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
        WindowLog log = counted(state, ctx);
        long excess = log.total() + units - capacity;
        if (excess <= 0) {
            return Evaluation.at(ctx.nowMs());
        }
        // Entries usually free up in time order; those waiting for a result past their window free up later.
        int[] order = anyOverdue(log, ctx) ? byFreeTime(log, ctx) : null;
        long freed = 0;
        for (int k = 0; k < log.size(); k++) {
            int i = order == null ? k : order[k];
            freed += log.unitsAt(i);
            if (freed >= excess) {
                return Evaluation.at(freeAt(log, i, ctx));
            }
        }
        throw new IllegalStateException("unreachable: units <= capacity");
    }

    private boolean anyOverdue(WindowLog log, LimitContext ctx) {
        for (int i = 0; i < log.size() && log.timeAt(i) + span(ctx) <= ctx.nowMs(); i++) {
            if (log.unconfirmedAt(i) > 0) {
                return true;
            }
        }
        return false;
    }

    private int[] byFreeTime(WindowLog log, LimitContext ctx) {
        return java.util.stream.IntStream.range(0, log.size()).boxed()
                .sorted(java.util.Comparator.comparingLong(i -> freeAt(log, i, ctx)))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * When entry {@code i} stops counting: one span after it was charged, or, if its span is over and
     * its result has not come, once the result wait is over too (the result, when it comes, frees it
     * earlier, and the limiter looks again).
     */
    private long freeAt(WindowLog log, int i, LimitContext ctx) {
        long end = log.timeAt(i) + span(ctx);
        return log.unconfirmedAt(i) > 0 && end <= ctx.nowMs() ? end + ctx.resultWaitMs() : end;
    }

    private long firstFreeAt(WindowLog log, LimitContext ctx) {
        long first = Long.MAX_VALUE;
        for (int i = 0; i < log.size(); i++) {
            first = Math.min(first, freeAt(log, i, ctx));
        }
        return first;
    }

    @Override
    public Charged charge(LimitState state, long units, long capacity, String requestId, LimitContext ctx) {
        WindowLog log = counted(state, ctx).plus(ctx.nowMs(), units, true);
        return new Charged(log, Math.max(0, capacity - log.total()), firstFreeAt(log, ctx));
    }

    @Override
    public LimitState adopt(LimitState state, long deficit, Long resetAtMs, long capacity, LimitContext ctx) {
        WindowLog log = counted(state, ctx);
        long add = Math.min(deficit, capacity - log.total());
        if (add <= 0) {
            return log;
        }
        // The vendor frees these units at resetAtMs: age them so they leave the log then (never later
        // than a whole window, never so old that they are already gone).
        long at = resetAtMs == null ? ctx.nowMs() : resetAtMs - windowMs;
        at = Math.max(ctx.nowMs() - span(ctx) + 1, Math.min(ctx.nowMs(), at));
        return log.plus(at, add, false);
    }

    /**
     * A vendor counting when a call arrived, from {@code earliestMs} (its slot) to {@code latestMs} (its
     * answer), may have counted every call placed within a window and the jitter before then, and any call
     * placed earlier whose result has not come (late, it may have reached the vendor since). Calls charged
     * after the reporting call belong in it too: when that call was late, they can have reached the vendor
     * first. So do calls placed up to now: a result read late must not take units adopted from the results
     * read before it for more spending elsewhere.
     */
    @Override
    public OptionalLong remainingAt(LimitState state, long capacity, long earliestMs, long latestMs, LimitContext ctx) {
        WindowLog log = state instanceof WindowLog l ? l : WindowLog.EMPTY;
        return OptionalLong.of(capacity - log.unitsPlacedBy(earliestMs - windowMs - ctx.jitterMs(), Math.max(latestMs, ctx.nowMs())));
    }

    /**
     * Moves a charge to where its result says the vendor saw the call, as if its slot had ended then: it
     * frees one window after that. Later than the slot's end (a slow sender or network), so that the next
     * window's calls cannot meet it at the vendor; sooner, when the vendor answered by then, so that the
     * window follows the lateness each call really had rather than the worst the jitter allows for.
     */
    @Override
    public LimitState observeArrival(LimitState state, long units, long plannedMs, Long latestArrivalMs, boolean answered, LimitContext ctx) {
        if (!(state instanceof WindowLog log)) {
            return state;
        }
        long restamp = latestArrivalMs == null ? plannedMs : latestArrivalMs - ctx.jitterMs();
        if (restamp == plannedMs || restamp < plannedMs && !answered) {
            return log.confirmed(plannedMs, units);
        }
        if (restamp < plannedMs) {
            // Never answered before its slot opened, as its sender's clock goes: a result that says so is wrong.
            return log.moved(plannedMs, Math.max(restamp, plannedMs - ctx.jitterMs()), units);
        }
        // A result dated far ahead (a dispatcher's clock, a hostile writer) holds the place no later than now.
        return log.moved(plannedMs, Math.min(restamp, Math.max(plannedMs, ctx.nowMs() - ctx.jitterMs())), units);
    }

    @Override
    public LimitState refund(LimitState state, long units, long plannedMs, LimitContext ctx) {
        return state instanceof WindowLog log ? log.without(plannedMs, units) : state;
    }

    @Override
    public boolean isIdle(LimitState state, LimitContext ctx) {
        return counted(state, ctx).size() == 0;
    }

    @Override
    public Usage usage(LimitState state, long capacity, LimitContext ctx) {
        WindowLog log = counted(state, ctx);
        long used = log.total();
        return new Usage(used, capacity, Math.max(0, capacity - used), log.size() == 0 ? null : firstFreeAt(log, ctx), null);
    }

    @Override
    public String describe(long capacity) {
        return capacity + " per " + windowMs + " ms (sliding)";
    }

    private long span(LimitContext ctx) {
        return windowMs + ctx.jitterMs();
    }

    private WindowLog counted(LimitState state, LimitContext ctx) {
        if (!(state instanceof WindowLog log)) {
            return WindowLog.EMPTY;
        }
        long cutoff = ctx.nowMs() - span(ctx);
        long unconfirmedCutoff = cutoff - ctx.resultWaitMs();
        return log.counted(cutoff, unconfirmedCutoff, traceCutoff(log, cutoff, unconfirmedCutoff, ctx));
    }

    /**
     * How far back the log remembers calls that stopped counting. Only a result still to come needs them: the
     * vendor may have counted with its call every call placed from a span before the call's slot (see
     * {@link #remainingAt}). So the trace reaches back a span before the oldest slot still awaiting its
     * result, and no further than {@value #TRACE_KEPT_AT_MOST_MS} ms: while results come promptly it holds a
     * bucket or two, and every decision reads and writes it.
     */
    private long traceCutoff(WindowLog log, long cutoff, long unconfirmedCutoff, LimitContext ctx) {
        long oldestAwaited = log.oldestAwaitedAfter(unconfirmedCutoff);
        if (oldestAwaited == Long.MAX_VALUE || cutoff < Long.MIN_VALUE + TRACE_KEPT_AT_MOST_MS) {
            return cutoff;
        }
        long needed = oldestAwaited - span(ctx);
        return Math.min(cutoff, Math.max(needed, Math.max(unconfirmedCutoff, cutoff - TRACE_KEPT_AT_MOST_MS)));
    }

    /** How long at most a trace reaches back: a result comes seconds after its call's slot, not minutes. */
    static final long TRACE_KEPT_AT_MOST_MS = 5_000;
}
