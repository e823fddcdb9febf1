package io.tollgate.limiter;

import java.util.List;
import java.util.Map;

/**
 * A dispatched call's result, as the engine needs it: which counters it was charged to (with the
 * allowance Tollgate predicted after it) and the vendor's status and rate-limit headers.
 *
 * @param headers response headers with lower-case names
 */
public record DispatchOutcome(String requestId, String credential, Outcome outcome, Map<String, String> headers,
                              List<Charge> charges) {

    public DispatchOutcome {
        headers = Map.copyOf(headers);
        charges = List.copyOf(charges);
    }
}
