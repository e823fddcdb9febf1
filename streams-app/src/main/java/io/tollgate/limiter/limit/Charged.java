package io.tollgate.limiter.limit;

/** The state after a charge, and the allowance left (resetAtMs null when it only grows as calls end). */
public record Charged(LimitState state, long remaining, Long resetAtMs) {
}
