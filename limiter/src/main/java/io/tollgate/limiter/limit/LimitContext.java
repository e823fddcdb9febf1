package io.tollgate.limiter.limit;

import io.tollgate.limiter.AccountFacts;

/**
 * When and for whom a limit is evaluated.
 *
 * @param nowMs the time the call will be sent if admitted (its planned execution time)
 * @param jitterMs how much later than planned the vendor may see it: the dispatcher sends within
 *     {@code [nowMs, nowMs + jitterMs]}, so every limit must hold for any send time in that range
 * @param resultWaitMs how long past its window a charge keeps counting while its result has not come:
 *     only the result tells when the vendor really saw the call (a call can reach it later than the
 *     jitter allows for), so its capacity is not reused before then, or before this much time passes
 */
public record LimitContext(long nowMs, long jitterMs, long resultWaitMs, AccountFacts account) {

    /** Long enough for a result to cross a busy pipeline; a result lost for good holds its units this long. */
    public static final long DEFAULT_RESULT_WAIT_MS = 10_000;

    public LimitContext(long nowMs, long jitterMs, AccountFacts account) {
        this(nowMs, jitterMs, DEFAULT_RESULT_WAIT_MS, account);
    }
}
