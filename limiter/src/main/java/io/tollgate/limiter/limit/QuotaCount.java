package io.tollgate.limiter.limit;

/**
 * Units used in the quota day {@code day} (epoch day in the quota's zone), and units already charged
 * to the next day by calls that may reach the vendor after midnight.
 *
 * @param untracked the part of {@code used} that Tollgate did not send: units the vendor reported spent
 *     beyond Tollgate's own count (the users' UI actions, other tools on the same account)
 */
public record QuotaCount(long day, long used, long nextUsed, long untracked) implements LimitState {

    public QuotaCount(long day, long used, long nextUsed) {
        this(day, used, nextUsed, 0);
    }
}
