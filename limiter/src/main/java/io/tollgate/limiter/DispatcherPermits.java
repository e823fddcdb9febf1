package io.tollgate.limiter;

import io.tollgate.limiter.limit.Leases;
import java.util.List;

/**
 * The concurrency permits an admitted call must take at the dispatcher before it starts, and how long it may
 * wait there for one. The dispatcher sees every answer first, so it can start a waiting call the moment
 * another ends, where the limiter would learn of the end only from the result and send the next call a
 * whole dispatch lead later.
 *
 * @param latestSendMs the call must start by then, or go back as not sent: its slot plus the jitter when a
 *     window counts it, else up to a quarter of its lease, never past its deadline or a reset of what counts it
 */
public record DispatcherPermits(List<Permit> permits, long latestSendMs) {

    /**
     * @param limit the most calls in flight at the vendor
     * @param leaseMs how long a call holds the permit when no result frees it
     * @param held the other calls the limiter counts in flight for this permit when it admitted this one (a
     *     dispatcher that did not start them itself, after a restart, counts them until their leases end)
     */
    public record Permit(String ruleId, String subject, long limit, long leaseMs, List<Leases.Lease> held) {
        public Permit {
            held = List.copyOf(held);
        }
    }

    public DispatcherPermits {
        permits = List.copyOf(permits);
    }
}
