package io.tollgate.limiter;

import java.util.List;
import java.util.Map;

/**
 * A dispatched call's result, as the engine needs it: which counters it was charged to (with the
 * allowance Tollgate predicted after it), the vendor's status and rate-limit headers, and when the
 * vendor may have seen the call.
 *
 * @param headers response headers with lower-case names
 * @param plannedAtMs the slot the call was charged at, or null if unknown
 * @param latestArrivalMs the latest the vendor can have received it (send start + time to the answer),
 *     or null when that is not known
 * @param neverSent true when the call surely did not reach the vendor (STALE, NOT_SENT, no connection):
 *     its charges are given back
 * @param answered true when the vendor itself answered the call, so it surely saw it by {@code latestArrivalMs}
 *     (without an answer, a request may still be on its way to the vendor after the dispatcher gave up on it)
 */
public record DispatchOutcome(String requestId, String credential, CallOutcome outcome, Map<String, String> headers,
                              List<RuleCharge> charges, Long plannedAtMs, Long latestArrivalMs, boolean neverSent, boolean answered) {

    public DispatchOutcome(String requestId, String credential, CallOutcome outcome, Map<String, String> headers, List<RuleCharge> charges) {
        this(requestId, credential, outcome, headers, charges, null, null, false, false);
    }

    public DispatchOutcome {
        headers = Map.copyOf(headers);
        charges = List.copyOf(charges);
    }
}
