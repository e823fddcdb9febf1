package io.tollgate.limiter.limit;

/**
 * A counter as a user sees it: used, limit, remaining and when it resets (null if it does not by time).
 *
 * @param periodStartMs start of the current quota period, when the limit has periods; else null
 */
public record Usage(long used, long limit, long remaining, Long resetAtMs, Long periodStartMs) {
}
