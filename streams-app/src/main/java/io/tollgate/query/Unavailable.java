package io.tollgate.query;

/**
 * The answer cannot be given now, only soon: the owner is being decided (a rebalance), the partition
 * moved, or the owner cannot be reached. The REST layer answers 503 with Retry-After.
 */
public final class Unavailable extends RuntimeException {

    public Unavailable(String message) {
        super(message);
    }
}
