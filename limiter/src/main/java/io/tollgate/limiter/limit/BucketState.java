package io.tollgate.limiter.limit;

/** GCRA state: the theoretical arrival time of the next unit, in nanoseconds since the epoch. */
public record BucketState(long tatNanos) implements LimitState {
}
