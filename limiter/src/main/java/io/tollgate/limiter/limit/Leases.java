package io.tollgate.limiter.limit;

import java.util.List;

/** Concurrency permits held by calls in flight, each until its result arrives or it expires. */
public record Leases(List<Lease> held) implements LimitState {

    /** A permit held by one call. */
    public record Lease(String requestId, long expiresAtMs) {
    }

    public static final Leases NONE = new Leases(List.of());

    public Leases {
        held = List.copyOf(held);
    }
}
