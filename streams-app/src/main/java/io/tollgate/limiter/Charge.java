package io.tollgate.limiter;

/**
 * What one rule was charged for an admitted call, with the allowance left after it: the values of
 * the rate-limit headers the vendor would return.
 *
 * @param resetAtMs when the allowance next grows, or null when it grows only as calls complete
 */
public record Charge(String ruleId, String subject, long units, long limit, long remaining, Long resetAtMs,
                     boolean shadow) {
}
