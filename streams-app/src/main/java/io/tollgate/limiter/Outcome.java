package io.tollgate.limiter;

/** What happened to a dispatched call, as the dispatcher reports it. */
public enum Outcome {
    SUCCESS, HTTP_ERROR, RATE_LIMITED, BLOCKED, STALE, NETWORK_ERROR, OUTCOME_UNKNOWN, UNKNOWN;

    /** Whether the call did not go through and must wait again instead of being lost. */
    public boolean requeues() {
        return this == RATE_LIMITED || this == BLOCKED || this == STALE;
    }
}
