package io.tollgate.limiter.limit;

/**
 * A counter as a user sees it: used, limit, remaining and when it resets (null if it does not by time).
 *
 * @param periodStartMs start of the current quota period, when the limit has periods; else null
 * @param untracked the part of {@code used} that Tollgate did not send, as the vendor's counts showed it
 */
public record Usage(long used, long limit, long remaining, Long resetAtMs, Long periodStartMs, long untracked) {

    public Usage(long used, long limit, long remaining, Long resetAtMs, Long periodStartMs) {
        this(used, limit, remaining, resetAtMs, periodStartMs, 0);
    }
}
