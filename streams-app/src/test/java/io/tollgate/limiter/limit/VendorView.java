package io.tollgate.limiter.limit;

import java.util.List;

/**
 * What a strict vendor sees: calls at the times they arrive, each with its units. Used by the
 * property tests to check limits where they matter.
 */
final class VendorView {

    record Arrival(long atMs, long units) {
    }

    private VendorView() {
    }

    /** Largest number of units within any half-open interval of {@code lengthMs}. */
    static long maxInAnyInterval(List<Arrival> arrivals, long lengthMs) {
        List<Arrival> sorted = arrivals.stream().sorted(java.util.Comparator.comparingLong(Arrival::atMs)).toList();
        long max = 0;
        long sum = 0;
        int first = 0;
        for (int last = 0; last < sorted.size(); last++) {
            sum += sorted.get(last).units();
            while (sorted.get(last).atMs() - sorted.get(first).atMs() >= lengthMs) {
                sum -= sorted.get(first).units();
                first++;
            }
            max = Math.max(max, sum);
        }
        return max;
    }
}
