package io.tollgate.limiter.limit;

import java.util.Arrays;

/**
 * Units charged at each instant, oldest first, one entry per distinct millisecond, and how many of
 * them still wait for their result (until it comes, nobody knows when the vendor saw those calls).
 * Only counted entries are kept, so a window of N units holds at most N entries.
 */
public final class WindowLog implements LimitState {

    public static final WindowLog EMPTY = new WindowLog(new long[0], new long[0], new long[0]);

    private final long[] times;
    private final long[] units;
    private final long[] unconfirmed;

    WindowLog(long[] times, long[] units, long[] unconfirmed) {
        this.times = times;
        this.units = units;
        this.unconfirmed = unconfirmed;
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
        return sum;
    }

    /**
     * The entries still counted: those after {@code cutoffMs}, and those after {@code unconfirmedCutoffMs}
     * that still wait for a result.
     */
    WindowLog counted(long cutoffMs, long unconfirmedCutoffMs) {
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
        for (int i = 0, j = 0; i < times.length; i++) {
            if (counts(i, cutoffMs, unconfirmedCutoffMs)) {
                t[j] = times[i];
                u[j] = units[i];
                p[j++] = unconfirmed[i];
            }
        }
        return new WindowLog(t, u, p);
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
            return new WindowLog(times, u, p);
        }
        int at = -i - 1;
        return new WindowLog(inserted(times, at, timeMs), inserted(units, at, amount), inserted(unconfirmed, at, pending));
    }

    /** Confirms up to {@code amount} units charged at {@code timeMs}: their result came. */
    WindowLog confirmed(long timeMs, long amount) {
        int i = Arrays.binarySearch(times, timeMs);
        if (i < 0 || unconfirmed[i] == 0) {
            return this;
        }
        long[] p = unconfirmed.clone();
        p[i] -= Math.min(amount, p[i]);
        return new WindowLog(times, units, p);
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
            return new WindowLog(removed(times, i), removed(units, i), removed(unconfirmed, i));
        }
        long[] u = units.clone();
        long[] p = unconfirmed.clone();
        u[i] -= removing;
        p[i] = Math.min(u[i], Math.max(0, p[i] - removing));
        return new WindowLog(times, u, p);
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
                && Arrays.equals(unconfirmed, other.unconfirmed);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(times) + Arrays.hashCode(units)) + Arrays.hashCode(unconfirmed);
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
        return s.append(']').toString();
    }
}
