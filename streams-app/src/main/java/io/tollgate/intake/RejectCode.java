package io.tollgate.intake;

/**
 * Reason codes of the {@code rejected} topic for input that never reaches the limiter. The limiter's
 * own reasons are {@link io.tollgate.limiter.RejectReason}; both appear as plain strings on the topic.
 */
public enum RejectCode {
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
