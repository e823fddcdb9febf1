package io.tollgate.connect;

import io.tollgate.avro.Outcome;
import java.util.Map;

/**
 * What sending one call produced.
 *
 * @param status the HTTP status, or null when there was no answer
 * @param headers the vendor's rate-limit headers, lower-case names
 * @param excerpt the start of the response body, or what went wrong when there was none
 */
record CallResult(Outcome outcome, Integer status, long latencyMs, Map<String, String> headers, String excerpt, long executedAtMs) {
}
