package io.tollgate.limiter.limit;

import java.util.Arrays;

/**
 * Units charged at each instant, oldest first, one entry per distinct millisecond. Only live entries
 * are kept, so a window of N units holds at most N entries.
 */
public final class WindowLog implements LimitState {

    public static final WindowLog EMPTY = new WindowLog(new long[0], new long[0]);

    private final long[] times;
    private final long[] units;

    WindowLog(long[] times, long[] units) {
        this.times = times;
        this.units = units;
    }

    public static WindowLog of(long[] times, long[] units) {
        if (times.length != units.length) {
            throw new IllegalArgumentException("times and units differ in length");
        }
        for (int i = 1; i < times.length; i++) {
            if (times[i] <= times[i - 1]) {
                throw new IllegalArgumentException("window log times must increase");
            }
        }
        return new WindowLog(times.clone(), units.clone());
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

    public long total() {
        long sum = 0;
        for (long u : units) {
            sum += u;
        }
        return sum;
    }

    /** Entries strictly after {@code cutoffMs}. */
    WindowLog after(long cutoffMs) {
        int first = 0;
        while (first < times.length && times[first] <= cutoffMs) {
            first++;
        }
        return first == 0 ? this : new WindowLog(Arrays.copyOfRange(times, first, times.length),
                Arrays.copyOfRange(units, first, units.length));
    }

    /** This log with {@code amount} more units at {@code timeMs}, kept in time order. */
    WindowLog plus(long timeMs, long amount) {
        int i = Arrays.binarySearch(times, timeMs);
        if (i >= 0) {
            long[] u = units.clone();
            u[i] += amount;
            return new WindowLog(times, u);
        }
        int at = -i - 1;
        long[] t = new long[times.length + 1];
        long[] u = new long[units.length + 1];
        System.arraycopy(times, 0, t, 0, at);
        System.arraycopy(units, 0, u, 0, at);
        t[at] = timeMs;
        u[at] = amount;
        System.arraycopy(times, at, t, at + 1, times.length - at);
        System.arraycopy(units, at, u, at + 1, units.length - at);
        return new WindowLog(t, u);
    }

    /** Moves up to {@code amount} units from {@code fromMs} to {@code toMs}; nothing if none are at {@code fromMs}. */
    WindowLog moved(long fromMs, long toMs, long amount) {
        int i = Arrays.binarySearch(times, fromMs);
        if (i < 0) {
            return this;
        }
        long moving = Math.min(amount, units[i]);
        WindowLog without;
        if (moving == units[i]) {
            long[] t = new long[times.length - 1];
            long[] u = new long[units.length - 1];
            System.arraycopy(times, 0, t, 0, i);
            System.arraycopy(units, 0, u, 0, i);
            System.arraycopy(times, i + 1, t, i, times.length - i - 1);
            System.arraycopy(units, i + 1, u, i, units.length - i - 1);
            without = new WindowLog(t, u);
        } else {
            long[] u = units.clone();
            u[i] -= moving;
            without = new WindowLog(times, u);
        }
        return without.plus(toMs, moving);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowLog other && Arrays.equals(times, other.times) && Arrays.equals(units, other.units);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(times) + Arrays.hashCode(units);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("WindowLog[");
        for (int i = 0; i < times.length; i++) {
            s.append(i == 0 ? "" : ", ").append(times[i]).append('x').append(units[i]);
        }
        return s.append(']').toString();
    }
}
