package io.tollgate.limiter;

/**
 * Engine-wide settings.
 *
 * @param jitterMs how much later than planned a dispatched call may reach the vendor; every limit
 *     holds for any send time within it
 * @param rateLimitedPauseMs how long a credential pauses after a 429 that says nothing of when to retry, or
 *     after a call that could not reach the vendor
 * @param blockedPauseMs how long a credential stops after the vendor blocks it (403 block page)
 */
public record LimiterSettings(long jitterMs, long rateLimitedPauseMs, long blockedPauseMs) {

    public static final LimiterSettings DEFAULTS = new LimiterSettings(100, 2_000, 15 * 60_000);

    public LimiterSettings {
        if (jitterMs < 0 || rateLimitedPauseMs < 0 || blockedPauseMs < 0) {
            throw new IllegalArgumentException("limiter durations must not be negative");
        }
    }
}
