package io.tollgate.limiter.limit;

/**
 * A token bucket of {@code capacity} units refilled by {@code refillUnits} every {@code refillPeriodMs},
 * kept as GCRA (one timestamp instead of a token count). For vendors that document a bucket; a
 * window limit must not be modelled with it (a full bucket plus a window's refill is twice the limit).
 *
 * <p>The burst tolerance is reduced by the jitter: calls sent up to the jitter late may arrive that
 * much closer together than planned.
 */
public record TokenBucketLimit(long refillUnits, long refillPeriodMs) implements Limit {

    @Override
    public boolean isWindow() {
        return true;
    }

    private static final long NANOS_PER_MS = 1_000_000L;
    /** About 73 years: added to any time this century, it stays far below overflow. */
    private static final long MAX_COST_NANOS = Long.MAX_VALUE / 4;

    public TokenBucketLimit {
        if (refillUnits <= 0 || refillPeriodMs <= 0) {
            throw new IllegalArgumentException("refill units and period must be positive");
        }
    }

    @Override
    public Evaluation evaluate(LimitState state, long units, long capacity, LimitContext ctx) {
        if (units > capacity) {
            return Evaluation.never();
        }
        long now = ctx.nowMs() * NANOS_PER_MS;
        long newTat = Math.max(tat(state), now) + cost(units);
        long tolerance = tolerance(units, capacity, ctx);
        if (newTat - now <= tolerance) {
            return Evaluation.at(ctx.nowMs());
        }
        return Evaluation.at(ceilDiv(newTat - tolerance, NANOS_PER_MS));
    }

    @Override
    public Charged charge(LimitState state, long units, long capacity, String requestId, LimitContext ctx) {
        long now = ctx.nowMs() * NANOS_PER_MS;
        long newTat = Math.max(tat(state), now) + cost(units);
        long left = (tolerance(1, capacity, ctx) - (newTat - now)) / unitInterval();
        return new Charged(new BucketState(newTat), Math.max(0, left), ceilDiv(newTat, NANOS_PER_MS));
    }

    @Override
    public LimitState adopt(LimitState state, long deficit, Long resetAtMs, long capacity, LimitContext ctx) {
        long now = ctx.nowMs() * NANOS_PER_MS;
        long tat = Math.min(Math.max(tat(state), now) + cost(deficit), now + cost(capacity));
        // Never below what is charged already: a result applied before a slot given ahead would otherwise take the
        // cap from its own earlier time and give back the charges made since.
        return new BucketState(Math.max(tat(state), tat));
    }

    /**
     * No refund: a bucket refills by itself, and once it has been idle the charge can no longer be told
     * apart from the refill that absorbed it, so taking it back could let one call too many through.
     */
    @Override
    public boolean isIdle(LimitState state, LimitContext ctx) {
        return tat(state) <= ctx.nowMs() * NANOS_PER_MS;
    }

    @Override
    public Usage usage(LimitState state, long capacity, LimitContext ctx) {
        long now = ctx.nowMs() * NANOS_PER_MS;
        long backlog = Math.max(0, tat(state) - now);
        long used = Math.min(capacity, ceilDiv(backlog, unitInterval()));
        return new Usage(used, capacity, capacity - used, backlog == 0 ? null : ceilDiv(tat(state), NANOS_PER_MS), null);
    }

    @Override
    public String describe(long capacity) {
        return "bucket of " + capacity + ", " + refillUnits + " per " + refillPeriodMs + " ms";
    }

    private long unitInterval() {
        return Math.max(1, refillPeriodMs * NANOS_PER_MS / refillUnits);
    }

    /** Saturates far beyond any time a bucket counts to, rather than overflow: a policy can hold a slow refill and a large capacity. */
    private long cost(long units) {
        long interval = unitInterval();
        return units > MAX_COST_NANOS / interval ? MAX_COST_NANOS : units * interval;
    }

    /** Burst tolerance less the jitter, but never below what one call of this size needs. */
    private long tolerance(long units, long capacity, LimitContext ctx) {
        return Math.max(cost(units), cost(capacity) - ctx.jitterMs() * NANOS_PER_MS);
    }

    private static long tat(LimitState state) {
        return state instanceof BucketState bucket ? bucket.tatNanos() : Long.MIN_VALUE / 2;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
