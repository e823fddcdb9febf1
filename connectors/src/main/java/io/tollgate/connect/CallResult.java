package io.tollgate.connect;

import io.tollgate.avro.Outcome;
import java.util.Map;

/**
 * What sending one call produced.
 *
 * @param status the HTTP status, or null when there was no answer
 * @param headers the vendor's rate-limit headers, lower-case names
 * @param excerpt the start of the response body, or what went wrong when there was none; never a secret
 * @param sent false when the call surely did not reach the vendor (not sent, no connection made), so that the
 *     limiter gives its charges back; true when it did or may have
 */
record CallResult(Outcome outcome, Integer status, long latencyMs, Map<String, String> headers, String excerpt, long executedAtMs,
                  boolean sent) {

    /** A call that did not leave the dispatcher. */
    static CallResult notSent(Outcome outcome, String why, long atMs) {
        return new CallResult(outcome, null, 0, Map.of(), why, atMs, false);
    }
}
