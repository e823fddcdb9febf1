package io.tollgate.limiter.rule;

/**
 * Vendor response headers that report a rule's allowance (lower-case names, any may be null).
 *
 * @param resetHeader seconds until the allowance resets
 * @param limitHeader the vendor's own limit for the subject, such as Pipedrive's {@code x-ratelimit-limit}
 */
public record VendorHeaders(String remainingHeader, String resetHeader, String limitHeader) {

    public VendorHeaders(String remainingHeader, String resetHeader) {
        this(remainingHeader, resetHeader, null);
    }
}
