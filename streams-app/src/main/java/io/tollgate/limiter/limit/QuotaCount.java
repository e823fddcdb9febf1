package io.tollgate.limiter.limit;

/**
 * Units used in the quota day {@code day} (epoch day in the quota's zone), and units already charged
 * to the next day by calls that may reach the vendor after midnight.
 */
public record QuotaCount(long day, long used, long nextUsed) implements LimitState {
}
