package io.tollgate.limiter.limit;

import io.tollgate.limiter.AccountFacts;

/**
 * When and for whom a limit is evaluated.
 *
 * @param nowMs the time the call will be sent if admitted (its planned execution time)
 * @param jitterMs how much later than planned the vendor may see it: the dispatcher sends within
 *     {@code [nowMs, nowMs + jitterMs]}, so every limit must hold for any send time in that range
 */
public record LimitContext(long nowMs, long jitterMs, AccountFacts account) {
}
