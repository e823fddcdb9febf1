package io.tollgate.limiter;

import io.tollgate.limiter.limit.LimitState;
import java.util.Map;

/**
 * What a result changes: counter states (released permits, adopted vendor counts, pauses), whether
 * the call must wait again, until when its credential pauses (null if it does not), and whether it
 * released a permit (the only change that lets a waiting call go sooner).
 */
public record FeedbackEffect(Map<RuleKey, LimitState> updates, boolean requeue, Long pausedUntilMs, boolean blocked,
                             boolean releasedPermit) {
}
