package io.tollgate.limiter.rule;

/** CALLS counts one per call; TOKENS counts the call's cost (explicit, or from the cost table). */
public enum CostBasis {
    CALLS, TOKENS
}
