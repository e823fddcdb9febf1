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
 *     limiter gives its charges back; true when it did or may have; null when this dispatcher cannot tell
 * @param waitedForPermit true for a STALE call that waited for a concurrency permit that did not free within its slot
 */
record CallResult(Outcome outcome, Integer status, long latencyMs, Map<String, String> headers, String excerpt, long executedAtMs,
                  Boolean sent, boolean waitedForPermit) {

    CallResult(Outcome outcome, Integer status, long latencyMs, Map<String, String> headers, String excerpt, long executedAtMs, Boolean sent) {
        this(outcome, status, latencyMs, headers, excerpt, executedAtMs, sent, false);
    }

    /** A call that did not leave the dispatcher. */
    static CallResult notSent(Outcome outcome, String why, long atMs) {
        return new CallResult(outcome, null, 0, Map.of(), why, atMs, false);
    }

    /**
     * A call too late for its slot. Whether anyone sent it is known only when this task held it from before its
     * slot opened: a record that arrives late may be a redelivery of one a previous owner was sending when it
     * stopped, and its charges must then stay.
     */
    static CallResult stale(String why, long atMs, boolean heldSinceBeforeItsSlot) {
        return new CallResult(Outcome.STALE, null, 0, Map.of(), why, atMs, heldSinceBeforeItsSlot ? Boolean.FALSE : null, false);
    }

    /**
     * A call whose concurrency permit did not free within its slot: the vendor was busy with the account's other
     * calls. Flow control, not a dispatcher too late for its slots; the limiter does not count it as one.
     */
    static CallResult permitNotFreed(String why, long atMs, boolean heldSinceBeforeItsSlot) {
        return new CallResult(Outcome.STALE, null, 0, Map.of(), why, atMs, heldSinceBeforeItsSlot ? Boolean.FALSE : null, true);
    }
}
