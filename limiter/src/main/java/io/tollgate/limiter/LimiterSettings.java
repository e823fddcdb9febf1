package io.tollgate.limiter;

import io.tollgate.limiter.limit.LimitContext;

/**
 * Engine-wide settings.
 *
 * @param jitterMs how much later than planned a dispatched call may reach the vendor; every limit
 *     holds for any send time within it
 * @param rateLimitedPauseMs how long a credential pauses after a 429 that says nothing of when to retry, or
 *     after a call that could not reach the vendor
 * @param blockedPauseMs how long a credential stops after the vendor blocks it (403 block page)
 * @param resultWaitMs how long past its window a call whose result has not come keeps counting (see {@link LimitContext})
 * @param concurrencyPrefetch calls sent ahead to the dispatcher per concurrency permit, where the call's other
 *     limits allow it to wait there ({@link io.tollgate.limiter.limit.Limit#toleratesLateSend()}): the dispatcher
 *     holds them until a permit frees and starts one the moment a call ends. 0 leaves every permit to the limiter.
 * @param clockToleranceMs how far apart the clocks of the dispatcher's workers may be: a result is dated by the worker
 *     that sent the call, the next call of its window may be sent by another, so the latest arrival a result reports
 *     is taken this much later before a window counts the call there
 */
public record LimiterSettings(long jitterMs, long rateLimitedPauseMs, long blockedPauseMs, long resultWaitMs, int concurrencyPrefetch,
                              long clockToleranceMs) {

    public static final LimiterSettings DEFAULTS = new LimiterSettings(100, 2_000, 15 * 60_000, LimitContext.DEFAULT_RESULT_WAIT_MS);

    public LimiterSettings(long jitterMs, long rateLimitedPauseMs, long blockedPauseMs, long resultWaitMs, int concurrencyPrefetch) {
        this(jitterMs, rateLimitedPauseMs, blockedPauseMs, resultWaitMs, concurrencyPrefetch, 0);
    }

    public LimiterSettings(long jitterMs, long rateLimitedPauseMs, long blockedPauseMs, long resultWaitMs) {
        this(jitterMs, rateLimitedPauseMs, blockedPauseMs, resultWaitMs, 0);
    }

    public LimiterSettings(long jitterMs, long rateLimitedPauseMs, long blockedPauseMs) {
        this(jitterMs, rateLimitedPauseMs, blockedPauseMs, LimitContext.DEFAULT_RESULT_WAIT_MS);
    }

    public LimiterSettings {
        if (jitterMs < 0 || rateLimitedPauseMs < 0 || blockedPauseMs < 0 || resultWaitMs < 0 || concurrencyPrefetch < 0 || clockToleranceMs < 0) {
            throw new IllegalArgumentException("limiter durations must not be negative");
        }
    }
}
