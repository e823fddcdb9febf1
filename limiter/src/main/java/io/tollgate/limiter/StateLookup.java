package io.tollgate.limiter;

import io.tollgate.limiter.limit.LimitState;

/** Where the engine reads the current state of a counter; null when there is none yet. */
@FunctionalInterface
public interface StateLookup {

    LimitState get(RuleKey key);
}
