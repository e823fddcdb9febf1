package io.tollgate.limiter;

/** Why the engine refuses a call; the name is the reason code published on the rejected topic. */
public enum RejectReason {
    /** The call alone costs more than a rule ever allows. */
    COST_EXCEEDS_LIMIT,
    /** The call would wait longer than the rule's (or the policy's) maximum wait. */
    WAIT_EXCEEDS_MAX,
    /** The call cannot go before its deadline. */
    DEADLINE_UNREACHABLE,
    /** The deadline passed before the call could be decided. */
    DEADLINE_PASSED,
    /** The account's facts do not fit its policy (a plan the policy has no limit for, say). */
    INVALID_ACCOUNT
}
