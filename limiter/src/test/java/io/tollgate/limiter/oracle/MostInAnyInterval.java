package io.tollgate.limiter.oracle;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The oracle every limit test asks: what a strict vendor counts, the most units that arrived within any
 * half-open interval {@code [t, t + length)}. One implementation for the engine's properties, the topology's
 * integration tests and the sandbox's end-to-end tests, so that all of them check the same guarantee.
 */
public final class MostInAnyInterval {

    /** A call as the vendor sees it: when it arrived and how many units it spent. */
    public record Arrival(long atMs, long units) {
    }

    private MostInAnyInterval() {
    }

    /** Most units within any interval of {@code lengthMs}. */
    public static long units(Collection<Arrival> arrivals, long lengthMs) {
        return of(arrivals, Arrival::atMs, Arrival::units, lengthMs);
    }

    /** Most calls within any interval of {@code lengthMs}, each call one unit. */
    public static <T> long calls(Collection<T> calls, ToLongFunction<T> atMs, long lengthMs) {
        return of(calls, atMs, call -> 1, lengthMs);
    }

    /** Most units within any interval of {@code lengthMs}, reading each item's time and units. */
    public static <T> long of(Collection<T> items, ToLongFunction<T> atMs, ToLongFunction<T> units, long lengthMs) {
        if (lengthMs <= 0) {
            throw new IllegalArgumentException("interval length must be positive: " + lengthMs);
        }
        List<Arrival> sorted = items.stream()
                .map(item -> new Arrival(atMs.applyAsLong(item), units.applyAsLong(item)))
                .sorted(Comparator.comparingLong(Arrival::atMs))
                .toList();
        long most = 0;
        long inInterval = 0;
        int first = 0;
        for (Arrival last : sorted) {
            inInterval += last.units();
            while (last.atMs() - sorted.get(first).atMs() >= lengthMs) {
                inInterval -= sorted.get(first).units();
                first++;
            }
            most = Math.max(most, inInterval);
        }
        return most;
    }
}
