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
 *     or null when it was not sent
 */
public record DispatchOutcome(String requestId, String credential, Outcome outcome, Map<String, String> headers,
                              List<Charge> charges, Long plannedAtMs, Long latestArrivalMs) {

    public DispatchOutcome(String requestId, String credential, Outcome outcome, Map<String, String> headers, List<Charge> charges) {
        this(requestId, credential, outcome, headers, charges, null, null);
    }

    public DispatchOutcome {
        headers = Map.copyOf(headers);
        charges = List.copyOf(charges);
    }
}
