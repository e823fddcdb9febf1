package io.tollgate.limiter.rule;

/**
 * Vendor response headers that report a rule's allowance (lower-case names, either may be null).
 *
 * @param resetHeader seconds until the allowance resets
 */
public record Feedback(String remainingHeader, String resetHeader) {
}
