package io.tollgate.limiter.limit;

/**
 * A credential the vendor told Tollgate to stop using until {@code untilMs}: after a 429 until its
 * reset, after a block page for longer.
 */
public record PauseState(long untilMs, String reason) implements LimitState {
}
