package io.tollgate.limiter.limit;

import java.util.ArrayList;
import java.util.List;

/**
 * At most {@code capacity} calls in flight. A call holds a permit from dispatch until its result
 * releases it or {@code leaseMs} passes (a result that never comes must not hold the permit forever).
 */
public record ConcurrencyLimit(long leaseMs) implements Limit {

    public ConcurrencyLimit {
        if (leaseMs <= 0) {
            throw new IllegalArgumentException("lease must be positive");
        }
    }

    @Override
    public Evaluation evaluate(LimitState state, long units, long capacity, LimitContext ctx) {
        if (capacity < 1) {
            return Evaluation.never();
        }
        List<Leases.Lease> active = active(state, ctx.nowMs());
        if (active.size() < capacity) {
            return Evaluation.at(ctx.nowMs());
        }
        // The earliest expiry frees a permit at the latest; a result may free one sooner.
        return Evaluation.at(active.stream().mapToLong(Leases.Lease::expiresAtMs).sorted()
                .skip(active.size() - capacity).findFirst().orElseThrow());
    }

    @Override
    public Charged charge(LimitState state, long units, long capacity, String requestId, LimitContext ctx) {
        List<Leases.Lease> active = new ArrayList<>(active(state, ctx.nowMs()));
        active.add(new Leases.Lease(requestId, ctx.nowMs() + leaseMs));
        return new Charged(new Leases(active), Math.max(0, capacity - active.size()), null);
    }

    @Override
    public LimitState release(LimitState state, String requestId, LimitContext ctx) {
        return new Leases(active(state, ctx.nowMs()).stream().filter(l -> !l.requestId().equals(requestId)).toList());
    }

    @Override
    public LimitState adopt(LimitState state, long deficit, Long resetAtMs, long capacity, LimitContext ctx) {
        return state;
    }

    @Override
    public boolean isIdle(LimitState state, LimitContext ctx) {
        return active(state, ctx.nowMs()).isEmpty();
    }

    @Override
    public Usage usage(LimitState state, long capacity, LimitContext ctx) {
        int inFlight = active(state, ctx.nowMs()).size();
        return new Usage(inFlight, capacity, Math.max(0, capacity - inFlight), null, null);
    }

    @Override
    public boolean toleratesLateSend() {
        return true;
    }

    /** The leases of calls in flight at {@code nowMs}. */
    public static List<Leases.Lease> held(LimitState state, long nowMs) {
        return active(state, nowMs);
    }

    @Override
    public boolean countsUnits() {
        return false;
    }

    @Override
    public String describe(long capacity) {
        return capacity + " in flight (lease " + leaseMs + " ms)";
    }

    private static List<Leases.Lease> active(LimitState state, long nowMs) {
        if (!(state instanceof Leases leases)) {
            return List.of();
        }
        return leases.held().stream().filter(l -> l.expiresAtMs() > nowMs).toList();
    }
}
