package io.tollgate.limiter;

import io.tollgate.limiter.limit.LimitState;
import java.util.Map;

/**
 * What a result changes: counter states (released permits, adopted vendor counts, pauses), whether
 * the call must wait again, and until when its credential pauses (null if it does not).
 */
public record FeedbackEffect(Map<RuleKey, LimitState> updates, boolean requeue, Long pausedUntilMs, boolean blocked) {
}
