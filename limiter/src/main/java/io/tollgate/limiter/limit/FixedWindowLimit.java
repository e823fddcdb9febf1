package io.tollgate.limiter.limit;

import java.util.OptionalLong;

/**
 * At most {@code capacity} units per window aligned to the epoch, for vendors that document aligned
 * windows. A call that may reach the vendor after the boundary (within the jitter) counts in both
 * windows, because Tollgate cannot know which one the vendor puts it in.
 */
public record FixedWindowLimit(long windowMs) implements Limit {

    @Override
    public boolean isWindow() {
        return true;
    }

    public FixedWindowLimit {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("window must be positive");
        }
    }

    @Override
    public Evaluation evaluate(LimitState state, long units, long capacity, LimitContext ctx) {
        if (units > capacity) {
            return Evaluation.never();
        }
        WindowCount count = current(state, ctx.nowMs());
        if (count.windowStartMs() > ctx.nowMs()) {
            // A call was planned into a later window already, and this window's count went with it.
            return Evaluation.at(count.windowStartMs());
        }
        boolean fits = count.used() + units <= capacity
                && (!straddles(ctx) || count.nextUsed() + units <= capacity);
        return Evaluation.at(fits ? ctx.nowMs() : count.windowStartMs() + windowMs);
    }

    @Override
    public Charged charge(LimitState state, long units, long capacity, String requestId, LimitContext ctx) {
        WindowCount count = current(state, ctx.nowMs());
        WindowCount next = new WindowCount(count.windowStartMs(), count.used() + units,
                count.nextUsed() + (straddles(ctx) ? units : 0));
        return new Charged(next, Math.max(0, capacity - next.used()), next.windowStartMs() + windowMs);
    }

    @Override
    public LimitState adopt(LimitState state, long deficit, Long resetAtMs, long capacity, LimitContext ctx) {
        WindowCount count = current(state, ctx.nowMs());
        return new WindowCount(count.windowStartMs(), Math.min(capacity, count.used() + deficit), count.nextUsed());
    }

    /**
     * A vendor counting when the call arrived, in the window it is now, may have counted every unit charged
     * in this window up to now: calls charged after the reporting one can have reached it first. Counting
     * them all errs towards Tollgate's own calls; spending elsewhere shows in full once they land.
     * A call that may have arrived in another window than this one says nothing Tollgate can compare: its
     * count is taken as the whole capacity, so that it adopts nothing (the next result of this window will).
     */
    @Override
    public OptionalLong remainingAt(LimitState state, long capacity, long earliestMs, long latestMs, LimitContext ctx) {
        long window = Math.floorDiv(ctx.nowMs(), windowMs);
        WindowCount count = current(state, ctx.nowMs());
        if (Math.floorDiv(earliestMs, windowMs) != window || Math.floorDiv(latestMs, windowMs) != window
                || count.windowStartMs() != window * windowMs) {
            return OptionalLong.of(0);
        }
        return OptionalLong.of(capacity - count.used());
    }

    /** A call planned in one window that may have arrived in the next counts there too. */
    @Override
    public LimitState observeArrival(LimitState state, long units, long plannedMs, Long latestArrivalMs, boolean answered, LimitContext ctx) {
        if (latestArrivalMs == null) {
            return state;
        }
        long planned = Math.floorDiv(plannedMs, windowMs);
        boolean alreadyBoth = Math.floorDiv(plannedMs + ctx.jitterMs(), windowMs) != planned;
        if (alreadyBoth || Math.floorDiv(latestArrivalMs, windowMs) != planned + 1 || !(state instanceof WindowCount count)) {
            return state;
        }
        if (count.windowStartMs() == planned * windowMs) {
            return new WindowCount(count.windowStartMs(), count.used(), count.nextUsed() + units);
        }
        return count.windowStartMs() == (planned + 1) * windowMs
                ? new WindowCount(count.windowStartMs(), count.used() + units, count.nextUsed()) : state;
    }

    @Override
    public LimitState refund(LimitState state, long units, long plannedMs, LimitContext ctx) {
        if (!(state instanceof WindowCount count)) {
            return state;
        }
        long planned = Math.floorDiv(plannedMs, windowMs) * windowMs;
        boolean straddled = Math.floorDiv(plannedMs + ctx.jitterMs(), windowMs) * windowMs != planned;
        if (count.windowStartMs() == planned) {
            return new WindowCount(planned, Math.max(0, count.used() - units),
                    straddled ? Math.max(0, count.nextUsed() - units) : count.nextUsed());
        }
        if (straddled && count.windowStartMs() == planned + windowMs) {
            return new WindowCount(count.windowStartMs(), Math.max(0, count.used() - units), count.nextUsed());
        }
        return state;
    }

    @Override
    public boolean isIdle(LimitState state, LimitContext ctx) {
        WindowCount count = current(state, ctx.nowMs());
        return count.used() == 0 && count.nextUsed() == 0;
    }

    @Override
    public Usage usage(LimitState state, long capacity, LimitContext ctx) {
        WindowCount count = current(state, ctx.nowMs());
        return new Usage(count.used(), capacity, Math.max(0, capacity - count.used()),
                count.windowStartMs() + windowMs, count.windowStartMs());
    }

    @Override
    public String describe(long capacity) {
        return capacity + " per " + windowMs + " ms (fixed, aligned)";
    }

    private boolean straddles(LimitContext ctx) {
        return Math.floorDiv(ctx.nowMs() + ctx.jitterMs(), windowMs) != Math.floorDiv(ctx.nowMs(), windowMs);
    }

    /**
     * The count of the window at {@code nowMs}, or of a later one when a call was planned into it already: the
     * count is never taken back to an earlier window, whose own count is gone (starting it afresh would admit
     * past its limit, and writing it would lose the later window's count).
     */
    private WindowCount current(LimitState state, long nowMs) {
        long start = Math.floorDiv(nowMs, windowMs) * windowMs;
        if (state instanceof WindowCount count) {
            if (count.windowStartMs() >= start) {
                return count;
            }
            if (count.windowStartMs() == start - windowMs) {
                return new WindowCount(start, count.nextUsed(), 0);
            }
        }
        return new WindowCount(start, 0, 0);
    }
}
