package io.tollgate.limiter;

/** What happened to a dispatched call, as the dispatcher reports it. */
public enum CallOutcome {
    SUCCESS, HTTP_ERROR, RATE_LIMITED, BLOCKED, STALE, NETWORK_ERROR, OUTCOME_UNKNOWN, NOT_SENT, UNKNOWN;

    /**
     * Whether the call did not go through and must wait again instead of being lost. A network error
     * is only reported for calls that were not sent, or safe to send again: the dispatcher never
     * retries on its own, because a retry the limiter did not count could exceed the limit.
     */
    public boolean requeues() {
        return this == RATE_LIMITED || this == BLOCKED || this == STALE || this == NETWORK_ERROR;
    }
}
