package io.tollgate.limiter.limit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.OptionalLong;

/**
 * At most {@code capacity} units per calendar day in a time zone. The next day starts at local
 * midnight, computed with the zone's rules, so days of 23 or 25 hours around a DST change are right.
 *
 * <p>With {@link Reset#FIRST_REQUEST_AFTER_MIDNIGHT} (the forms platform) the vendor's day starts with
 * the first call after local midnight. What may be sent is the same as with a midnight reset; what
 * differs is what the counter shows between midnight and that call: yesterday's count, as the vendor
 * shows it.
 *
 * <p>A call that may reach the vendor after midnight (within the jitter) counts on both days.
 */
public record DailyQuotaLimit(ZoneSpec zone, Reset reset) implements Limit {

    @Override
    public boolean isCalendarQuota() {
        return true;
    }

    @Override
    public boolean toleratesLateSend() {
        return true;
    }

    /** When a quota day starts. */
    public enum Reset {
        MIDNIGHT, FIRST_REQUEST_AFTER_MIDNIGHT
    }

    @Override
    public Evaluation evaluate(LimitState state, long units, long capacity, LimitContext ctx) {
        if (units > capacity) {
            return Evaluation.never();
        }
        ZoneId z = zone.resolve(ctx.account());
        long today = day(ctx.nowMs(), z);
        QuotaCount count = rolled(state, today);
        if (count.day() > today) {
            // A call was planned into a later day already, and this day's count went with it.
            return Evaluation.at(startOf(count.day(), z));
        }
        boolean fits = count.used() + units <= capacity
                && (!straddles(ctx, z, today) || count.nextUsed() + units <= capacity);
        return Evaluation.at(fits ? ctx.nowMs() : startOf(today + 1, z));
    }

    @Override
    public Charged charge(LimitState state, long units, long capacity, String requestId, LimitContext ctx) {
        ZoneId z = zone.resolve(ctx.account());
        long today = day(ctx.nowMs(), z);
        QuotaCount count = rolled(state, today);
        QuotaCount next = new QuotaCount(count.day(), count.used() + units,
                count.nextUsed() + (straddles(ctx, z, today) ? units : 0), count.untracked());
        return new Charged(next, Math.max(0, capacity - next.used()), startOf(count.day() + 1, z), count.untracked());
    }

    @Override
    public LimitState adopt(LimitState state, long deficit, Long resetAtMs, long capacity, LimitContext ctx) {
        long today = day(ctx.nowMs(), zone.resolve(ctx.account()));
        QuotaCount count = rolled(state, today);
        long used = Math.max(count.used(), Math.min(capacity, count.used() + deficit));
        return new QuotaCount(count.day(), used, count.nextUsed(), count.untracked() + used - count.used());
    }

    /**
     * A vendor counting when the call arrived, on the day it is now, may have counted every unit charged today
     * up to now: calls charged after the reporting one can have reached it first. Counting them all errs
     * towards Tollgate's own calls; spending elsewhere shows in full once they land.
     * A call that may have arrived on another day than today says nothing Tollgate can compare: its count is
     * taken as the whole capacity, so that it adopts nothing (the next result of today will).
     */
    @Override
    public OptionalLong remainingAt(LimitState state, long capacity, long earliestMs, long latestMs, LimitContext ctx) {
        ZoneId z = zone.resolve(ctx.account());
        long today = day(ctx.nowMs(), z);
        QuotaCount count = rolled(state, today);
        if (day(earliestMs, z) != today || day(latestMs, z) != today || count.day() != today) {
            return OptionalLong.of(0);
        }
        return OptionalLong.of(capacity - count.used());
    }

    /** A call planned before midnight that may have arrived after it counts on the next day too. */
    @Override
    public LimitState observeArrival(LimitState state, long units, long plannedMs, Long latestArrivalMs, boolean answered, LimitContext ctx) {
        if (latestArrivalMs == null) {
            return state;
        }
        ZoneId z = zone.resolve(ctx.account());
        long plannedDay = day(plannedMs, z);
        boolean alreadyBoth = day(plannedMs + ctx.jitterMs(), z) != plannedDay;
        if (alreadyBoth || day(latestArrivalMs, z) != plannedDay + 1 || !(state instanceof QuotaCount count)) {
            return state;
        }
        if (count.day() == plannedDay) {
            return new QuotaCount(count.day(), count.used(), count.nextUsed() + units, count.untracked());
        }
        return count.day() == plannedDay + 1 ? new QuotaCount(count.day(), count.used() + units, count.nextUsed(), count.untracked()) : state;
    }

    @Override
    public LimitState refund(LimitState state, long units, long plannedMs, LimitContext ctx) {
        if (!(state instanceof QuotaCount count)) {
            return state;
        }
        ZoneId z = zone.resolve(ctx.account());
        long plannedDay = day(plannedMs, z);
        boolean straddled = day(plannedMs + ctx.jitterMs(), z) != plannedDay;
        if (count.day() == plannedDay) {
            return new QuotaCount(plannedDay, Math.max(0, count.used() - units),
                    straddled ? Math.max(0, count.nextUsed() - units) : count.nextUsed(), count.untracked());
        }
        if (straddled && count.day() == plannedDay + 1) {
            return new QuotaCount(count.day(), Math.max(0, count.used() - units), count.nextUsed(), count.untracked());
        }
        return state;
    }

    @Override
    public boolean isIdle(LimitState state, LimitContext ctx) {
        QuotaCount count = rolled(state, day(ctx.nowMs(), zone.resolve(ctx.account())));
        return count.used() == 0 && count.nextUsed() == 0;
    }

    @Override
    public Usage usage(LimitState state, long capacity, LimitContext ctx) {
        ZoneId z = zone.resolve(ctx.account());
        long today = day(ctx.nowMs(), z);
        QuotaCount count = reset == Reset.MIDNIGHT || !(state instanceof QuotaCount q) ? rolled(state, today) : q;
        // A count of a later day (a call planned into it already, at most a drain's look-ahead before midnight) resets,
        // as far as today's calls go, when that day begins: a quota spent today frees then. For that moment the usage
        // shows the later day's count with today's reset.
        long resetsAt = count.day() > today ? startOf(count.day(), z) : startOf(count.day() + 1, z);
        return new Usage(count.used(), capacity, Math.max(0, capacity - count.used()),
                resetsAt, startOf(count.day(), z), Math.min(count.used(), count.untracked()));
    }

    @Override
    public String describe(long capacity) {
        return capacity + " per day in " + zone + (reset == Reset.MIDNIGHT ? " (midnight reset)" : " (reset on first request after midnight)");
    }

    /** Start of a local day: midnight, or the first instant of the day where a DST gap swallows midnight. */
    public static long startOf(long epochDay, ZoneId zone) {
        return LocalDate.ofEpochDay(epochDay).atStartOfDay(zone).toInstant().toEpochMilli();
    }

    public static long day(long epochMs, ZoneId zone) {
        return Instant.ofEpochMilli(epochMs).atZone(zone).toLocalDate().toEpochDay();
    }

    private static boolean straddles(LimitContext ctx, ZoneId zone, long today) {
        return day(ctx.nowMs() + ctx.jitterMs(), zone) != today;
    }

    /**
     * The count of {@code today}, or of a later day when a call was planned into it already: the count is never
     * taken back to an earlier day, whose own count is gone.
     */
    private static QuotaCount rolled(LimitState state, long today) {
        if (state instanceof QuotaCount count) {
            if (count.day() >= today) {
                return count;
            }
            if (count.day() == today - 1) {
                return new QuotaCount(today, count.nextUsed(), 0);
            }
        }
        return new QuotaCount(today, 0, 0);
    }
}
