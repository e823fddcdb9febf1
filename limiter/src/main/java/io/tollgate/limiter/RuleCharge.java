package io.tollgate.limiter;

/**
 * What one rule was charged for an admitted call, with the allowance left after it: the values of
 * the rate-limit headers the vendor would return.
 *
 * @param resetAtMs when the allowance next grows, or null when it grows only as calls complete
 * @param untracked the part of the count that the vendor had reported and Tollgate had not sent when the
 *     call was charged: what lets a later result tell new spending elsewhere from spending already counted
 */
public record RuleCharge(String ruleId, String subject, long units, long limit, long remaining, Long resetAtMs,
                     boolean shadow, long untracked) {

    public RuleCharge(String ruleId, String subject, long units, long limit, long remaining, Long resetAtMs, boolean shadow) {
        this(ruleId, subject, units, limit, remaining, resetAtMs, shadow, 0);
    }
}
