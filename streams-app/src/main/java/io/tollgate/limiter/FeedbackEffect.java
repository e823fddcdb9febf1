package io.tollgate.limiter;

import io.tollgate.limiter.limit.LimitState;
import java.util.Map;

/**
 * What a result changes: counter states (released permits, confirmed or moved charges, adopted vendor
 * counts, pauses), whether the call must wait again, until when its credential pauses (null if it does
 * not), and whether it freed capacity sooner than the limiter had planned (a released permit, or a
 * charge held past its window until its result came): the only changes that let a waiting call go sooner.
 */
public record FeedbackEffect(Map<RuleKey, LimitState> updates, boolean requeue, Long pausedUntilMs, boolean blocked,
                             boolean freedCapacity) {
}
