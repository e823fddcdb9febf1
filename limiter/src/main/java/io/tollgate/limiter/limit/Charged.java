package io.tollgate.limiter.limit;

/**
 * The state after a charge, and the allowance left (resetAtMs null when it only grows as calls end).
 *
 * @param untracked the units of the count the vendor reported and Tollgate did not send, when charged
 */
public record Charged(LimitState state, long remaining, Long resetAtMs, long untracked) {

    public Charged(LimitState state, long remaining, Long resetAtMs) {
        this(state, remaining, resetAtMs, 0);
    }
}
