package io.tollgate.limiter.limit;

import java.util.Arrays;

/**
 * Units charged at each instant, oldest first, one entry per distinct millisecond, and how many of
 * them still wait for their result (until it comes, nobody knows when the vendor saw those calls).
 * Only counted entries are kept, so a window of N units holds at most N entries.
 *
 * <p>Entries that stopped counting leave a trace while a call whose result is still to come may need them:
 * their units, summed per {@value #TRACE_BUCKET_MS} ms (the window says how long, {@link SlidingWindowLimit}).
 * Nothing is decided by it; it is what a result that comes late needs to tell Tollgate's own calls, which
 * the vendor may still have counted when that result's call reached it, from someone else's.
 */
public final class WindowLog implements LimitState {

    /** How finely the units that stopped counting are remembered. */
    static final long TRACE_BUCKET_MS = 100;

    private static final long[] NONE = new long[0];

    public static final WindowLog EMPTY = new WindowLog(NONE, NONE, NONE);

    private final long[] times;
    private final long[] units;
    private final long[] unconfirmed;
    /** The last millisecond of each bucket of units that stopped counting, oldest first, and their units. */
    private final long[] traceUpTo;
    private final long[] traceUnits;

    WindowLog(long[] times, long[] units, long[] unconfirmed) {
        this(times, units, unconfirmed, NONE, NONE);
    }

    WindowLog(long[] times, long[] units, long[] unconfirmed, long[] traceUpTo, long[] traceUnits) {
        this.times = times;
        this.units = units;
        this.unconfirmed = unconfirmed;
        this.traceUpTo = traceUpTo;
        this.traceUnits = traceUnits;
    }

    /** A log whose every unit is confirmed. */
    public static WindowLog of(long[] times, long[] units) {
        return of(times, units, new long[times.length]);
    }

    public static WindowLog of(long[] times, long[] units, long[] unconfirmed) {
        if (times.length != units.length || times.length != unconfirmed.length) {
            throw new IllegalArgumentException("times, units and unconfirmed units differ in length");
        }
        for (int i = 0; i < times.length; i++) {
            if (i > 0 && times[i] <= times[i - 1]) {
                throw new IllegalArgumentException("window log times must increase");
            }
            if (unconfirmed[i] < 0 || unconfirmed[i] > units[i]) {
                throw new IllegalArgumentException("unconfirmed units must be between 0 and the units of their entry");
            }
        }
        return new WindowLog(times.clone(), units.clone(), unconfirmed.clone());
    }

    public int size() {
        return times.length;
    }

    public long timeAt(int i) {
        return times[i];
    }

    public long unitsAt(int i) {
        return units[i];
    }

    /** Units at entry {@code i} whose result has not come yet. */
    public long unconfirmedAt(int i) {
        return unconfirmed[i];
    }

    /** Buckets of units that stopped counting, oldest first. */
    public int traceSize() {
        return traceUpTo.length;
    }

    /** The last millisecond of trace bucket {@code i}: its units were charged at or before it, within a bucket. */
    public long traceUpToAt(int i) {
        return traceUpTo[i];
    }

    public long traceUnitsAt(int i) {
        return traceUnits[i];
    }

    /** This log with the given trace of units that stopped counting (as stored). */
    public WindowLog withTrace(long[] upTo, long[] units) {
        if (upTo.length != units.length) {
            throw new IllegalArgumentException("trace times and units differ in length");
        }
        for (int i = 0; i < upTo.length; i++) {
            if (i > 0 && upTo[i] <= upTo[i - 1]) {
                throw new IllegalArgumentException("trace times must increase");
            }
            if (units[i] < 0) {
                throw new IllegalArgumentException("trace units must not be negative");
            }
        }
        return new WindowLog(times, this.units, unconfirmed, upTo.clone(), units.clone());
    }

    public long total() {
        long sum = 0;
        for (long u : units) {
            sum += u;
        }
        return sum;
    }

    /**
     * The units of the entries placed after {@code fromMs} up to {@code toMs}, and those placed earlier (by
     * {@code toMs}) that still wait for a result.
     */
    long unitsPlacedBy(long fromMs, long toMs) {
        long sum = 0;
        for (int i = 0; i < times.length && times[i] <= toMs; i++) {
            sum += times[i] > fromMs ? units[i] : unconfirmed[i];
        }
        // Units that stopped counting since: a whole bucket when any of it may be in the range.
        for (int i = 0; i < traceUpTo.length; i++) {
            if (traceUpTo[i] > fromMs && traceUpTo[i] - (TRACE_BUCKET_MS - 1) <= toMs) {
                sum += traceUnits[i];
            }
        }
        return sum;
    }

    /** The time of the oldest entry after {@code afterMs} that still waits for a result; {@link Long#MAX_VALUE} if none does. */
    long oldestAwaitedAfter(long afterMs) {
        for (int i = 0; i < times.length; i++) {
            if (unconfirmed[i] > 0 && times[i] > afterMs) {
                return times[i];
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The entries still counted: those after {@code cutoffMs}, and those after {@code unconfirmedCutoffMs}
     * that still wait for a result. The others join the trace if they are after {@code traceCutoffMs}; trace
     * buckets up to it are dropped.
     */
    WindowLog counted(long cutoffMs, long unconfirmedCutoffMs, long traceCutoffMs) {
        int keep = 0;
        for (int i = 0; i < times.length; i++) {
            keep += counts(i, cutoffMs, unconfirmedCutoffMs) ? 1 : 0;
        }
        if (keep == times.length) {
            return this;
        }
        long[] t = new long[keep];
        long[] u = new long[keep];
        long[] p = new long[keep];
        long traceCutoff = traceCutoffMs;
        // The entries that stop counting now, in buckets, oldest first (entries are in time order).
        long[] prunedUpTo = new long[times.length - keep];
        long[] prunedUnits = new long[times.length - keep];
        int pruned = 0;
        for (int i = 0, j = 0; i < times.length; i++) {
            if (counts(i, cutoffMs, unconfirmedCutoffMs)) {
                t[j] = times[i];
                u[j] = units[i];
                p[j++] = unconfirmed[i];
            } else if (times[i] > traceCutoff) {
                long end = bucketEnd(times[i]);
                if (pruned > 0 && prunedUpTo[pruned - 1] == end) {
                    prunedUnits[pruned - 1] += units[i];
                } else {
                    prunedUpTo[pruned] = end;
                    prunedUnits[pruned++] = units[i];
                }
            }
        }
        return new WindowLog(t, u, p, null, null).withMergedTrace(traceUpTo, traceUnits, traceCutoff, prunedUpTo, prunedUnits, pruned);
    }

    /**
     * This log with the buckets of {@code oldUpTo} after {@code cutoffMs} and the first {@code count} of {@code newUpTo}
     * as its trace: two lists in time order merged in one pass, units of the same bucket summed.
     */
    private WindowLog withMergedTrace(long[] oldUpTo, long[] oldUnits, long cutoffMs, long[] newUpTo, long[] newUnits, int count) {
        int from = 0;
        while (from < oldUpTo.length && oldUpTo[from] <= cutoffMs) {
            from++;
        }
        if (count == 0 && from == 0) {
            return new WindowLog(times, units, unconfirmed, oldUpTo, oldUnits);
        }
        long[] upTo = new long[oldUpTo.length - from + count];
        long[] sums = new long[upTo.length];
        int n = 0;
        int a = from;
        int b = 0;
        while (a < oldUpTo.length || b < count) {
            boolean takeOld = b == count || a < oldUpTo.length && oldUpTo[a] <= newUpTo[b];
            long end = takeOld ? oldUpTo[a] : newUpTo[b];
            long add = takeOld ? oldUnits[a++] : newUnits[b++];
            if (n > 0 && upTo[n - 1] == end) {
                sums[n - 1] += add;
            } else {
                upTo[n] = end;
                sums[n++] = add;
            }
        }
        return new WindowLog(times, units, unconfirmed, n == upTo.length ? upTo : Arrays.copyOf(upTo, n),
                n == sums.length ? sums : Arrays.copyOf(sums, n));
    }

    /** The last millisecond of the trace bucket holding {@code timeMs}. */
    private static long bucketEnd(long timeMs) {
        long start = timeMs - Math.floorMod(timeMs, TRACE_BUCKET_MS);
        return start > Long.MAX_VALUE - (TRACE_BUCKET_MS - 1) ? Long.MAX_VALUE : start + TRACE_BUCKET_MS - 1;
    }

    private boolean counts(int i, long cutoffMs, long unconfirmedCutoffMs) {
        return times[i] > cutoffMs || unconfirmed[i] > 0 && times[i] > unconfirmedCutoffMs;
    }

    /** This log with {@code amount} more units at {@code timeMs}, kept in time order; {@code awaited} if their result is still to come. */
    WindowLog plus(long timeMs, long amount, boolean awaited) {
        long pending = awaited ? amount : 0;
        int i = Arrays.binarySearch(times, timeMs);
        if (i >= 0) {
            long[] u = units.clone();
            long[] p = unconfirmed.clone();
            u[i] += amount;
            p[i] += pending;
            return new WindowLog(times, u, p, traceUpTo, traceUnits);
        }
        int at = -i - 1;
        return new WindowLog(inserted(times, at, timeMs), inserted(units, at, amount), inserted(unconfirmed, at, pending), traceUpTo, traceUnits);
    }

    /** Confirms up to {@code amount} units charged at {@code timeMs}: their result came. */
    WindowLog confirmed(long timeMs, long amount) {
        int i = Arrays.binarySearch(times, timeMs);
        if (i < 0 || unconfirmed[i] == 0) {
            return this;
        }
        long[] p = unconfirmed.clone();
        p[i] -= Math.min(amount, p[i]);
        return new WindowLog(times, units, p, traceUpTo, traceUnits);
    }

    /**
     * Moves up to {@code amount} units from {@code fromMs} to {@code toMs}, confirmed (their result says
     * when they arrived); nothing if none are at {@code fromMs}.
     */
    WindowLog moved(long fromMs, long toMs, long amount) {
        int i = Arrays.binarySearch(times, fromMs);
        if (i < 0) {
            return this;
        }
        long moving = Math.min(amount, units[i]);
        return without(fromMs, moving).plus(toMs, moving, false);
    }

    /** Removes up to {@code amount} units charged at {@code timeMs}, awaited ones first; nothing if none are there. */
    WindowLog without(long timeMs, long amount) {
        int i = Arrays.binarySearch(times, timeMs);
        if (i < 0 || amount <= 0) {
            return this;
        }
        long removing = Math.min(amount, units[i]);
        if (removing == units[i]) {
            return new WindowLog(removed(times, i), removed(units, i), removed(unconfirmed, i), traceUpTo, traceUnits);
        }
        long[] u = units.clone();
        long[] p = unconfirmed.clone();
        u[i] -= removing;
        p[i] = Math.min(u[i], Math.max(0, p[i] - removing));
        return new WindowLog(times, u, p, traceUpTo, traceUnits);
    }

    private static long[] inserted(long[] values, int at, long value) {
        long[] out = new long[values.length + 1];
        System.arraycopy(values, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(values, at, out, at + 1, values.length - at);
        return out;
    }

    private static long[] removed(long[] values, int at) {
        long[] out = new long[values.length - 1];
        System.arraycopy(values, 0, out, 0, at);
        System.arraycopy(values, at + 1, out, at, values.length - at - 1);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowLog other && Arrays.equals(times, other.times) && Arrays.equals(units, other.units)
                && Arrays.equals(unconfirmed, other.unconfirmed) && Arrays.equals(traceUpTo, other.traceUpTo)
                && Arrays.equals(traceUnits, other.traceUnits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {Arrays.hashCode(times), Arrays.hashCode(units), Arrays.hashCode(unconfirmed),
                Arrays.hashCode(traceUpTo), Arrays.hashCode(traceUnits)});
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("WindowLog[");
        for (int i = 0; i < times.length; i++) {
            s.append(i == 0 ? "" : ", ").append(times[i]).append('x').append(units[i]);
            if (unconfirmed[i] > 0) {
                s.append(" (").append(unconfirmed[i]).append(" awaiting result)");
            }
        }
        for (int i = 0; i < traceUpTo.length; i++) {
            s.append(i == 0 ? "; stopped counting: " : ", ").append(traceUnits[i]).append(" by ").append(traceUpTo[i]);
        }
        return s.append(']').toString();
    }
}
