package io.tollgate.limiter;

/**
 * Why a call, a result or a policy was refused: the one list of reason codes, published by name on the
 * {@code rejected} topic, counted by name in the metrics and kept in an account's recent calls. The
 * engine decides the first group; the topology refuses input with the second before the engine sees it.
 * A new code goes at the end of its group, with the detail a user needs to act on it.
 */
public enum RejectReason {
    // Decided by the engine (Limiter).

    /** The call alone costs more than a rule ever allows. */
    COST_EXCEEDS_LIMIT,
    /** The call would wait longer than the rule's (or the policy's) maximum wait. */
    WAIT_EXCEEDS_MAX,
    /** The call cannot go before its deadline. */
    DEADLINE_UNREACHABLE,
    /** The deadline passed before the call could be decided. */
    DEADLINE_PASSED,
    /** The account's facts do not fit its policy (a plan the policy has no limit for, say). */
    INVALID_ACCOUNT,

    // Refused at intake or by the topology, before or around the engine.

    /** Neither Confluent-framed Avro nor JSON, or Avro that does not match its schema. */
    UNDECODABLE,
    /** Confluent-framed Avro whose schema id the registry does not know. */
    UNKNOWN_SCHEMA,
    /** Decoded, but a field is missing or wrong (the detail names it). */
    INVALID_REQUEST,
    /** Larger than {@code request.max.bytes}. */
    OVERSIZED,
    /** Carries a secret (an Authorization header, a token in the query): the request is not copied. */
    SECRET_IN_REQUEST,
    /** The record key is not the request's account id, so the call would be decided in the wrong place. */
    KEY_MISMATCH,
    /** A request id this account already submitted. */
    DUPLICATE_REQUEST,
    /** An account with no record and no default policy. */
    UNKNOWN_ACCOUNT,
    /** An account that points at a policy that does not exist. */
    UNKNOWN_POLICY,
    /** A result record that cannot be read (results are input too). */
    UNDECODABLE_RESULT,
    /** The call came back (429, block, network error) more often than {@code max.attempts} allows. */
    ATTEMPTS_EXHAUSTED,
    /** A policy record that cannot be used; the version in force stays. */
    INVALID_POLICY,
    /**
     * Processing failed in a way no validation foresaw (the detail names the exception class). The
     * record is set aside so that it cannot stop the app; the failure is logged and counted.
     */
    INTERNAL_ERROR
}
