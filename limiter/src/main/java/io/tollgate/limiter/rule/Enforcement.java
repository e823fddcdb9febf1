package io.tollgate.limiter.rule;

/** ENFORCE holds calls back; SHADOW evaluates, counts and reports, and never blocks. */
public enum Enforcement {
    ENFORCE, SHADOW
}
