package io.tollgate.limiter.limit;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the vendor told Tollgate about one credential: to stop using it until {@code pausedUntilMs} (after
 * a 429 until its reset, after a block page for longer), and its own limits per rule where they are lower
 * than the policy's ({@code x-ratelimit-limit}: the vendor knows the account's plan better than a mistyped
 * account record does). Every decision reads this record for its credential anyway, so the vendor's
 * limits cost no extra lookup.
 *
 * @param pausedUntilMs 0 when not paused
 * @param vendorLimits lower limits the vendor reported, by rule id
 * @param limitsSeenAtMs when the vendor last confirmed them
 */
public record CredentialState(long pausedUntilMs, String pauseReason, Map<String, Long> vendorLimits, long limitsSeenAtMs)
        implements LimitState {

    public static final CredentialState NONE = new CredentialState(0, "", Map.of(), 0);

    public CredentialState {
        pauseReason = pauseReason == null ? "" : pauseReason;
        vendorLimits = Map.copyOf(new TreeMap<>(vendorLimits));
    }

    /** A pause with no vendor limits. */
    public static CredentialState paused(long untilMs, String reason) {
        return new CredentialState(untilMs, reason, Map.of(), 0);
    }

    public boolean isPausedAt(long nowMs) {
        return pausedUntilMs > nowMs;
    }

    public CredentialState pausedUntil(long untilMs, String reason) {
        return new CredentialState(untilMs, reason, vendorLimits, limitsSeenAtMs);
    }

    public CredentialState withVendorLimits(Map<String, Long> limits, long seenAtMs) {
        return new CredentialState(pausedUntilMs, pauseReason, limits, limits.isEmpty() ? 0 : seenAtMs);
    }
}
