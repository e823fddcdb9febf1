package io.tollgate.limiter.limit;

/**
 * Units used in the aligned window starting at {@code windowStartMs}, and units already charged to
 * the next window by calls that may reach the vendor after the boundary.
 */
public record WindowCount(long windowStartMs, long used, long nextUsed) implements LimitState {
}
