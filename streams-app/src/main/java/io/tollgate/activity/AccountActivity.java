package io.tollgate.activity;

import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one account did in its current day (in the account's zone): calls that reached the vendor by user,
 * integration, entity, method and API version, calls per hour, outcomes (rejections included), and the
 * last call. A call of an earlier day than the one held is kept out of today's counts; a later one starts
 * a new day.
 *
 * <p>Bounded: each breakdown keeps its first {@link #MAX_KEYS} values and counts the rest under
 * {@link #OTHER}, so a flood of made-up user names cannot grow the record.
 *
 * @param day the epoch day in the account's zone these counts are of
 * @param recorded calls recorded since the account's first: the next slot of its last-calls log
 */
public record AccountActivity(long day, String zone, Tally today, long lastCallAtMs, long recorded,
                              Map<Dimension, Map<String, Tally>> by, List<Long> callsByHour, Map<String, Long> outcomes) {

    public static final int MAX_KEYS = 200;
    public static final String OTHER = "(other)";
    public static final int HOURS = 24;

    public static final AccountActivity NONE = new AccountActivity(Long.MIN_VALUE, "UTC", Tally.ZERO, 0, 0,
            Map.of(), hours(), Map.of());

    public AccountActivity {
        Map<Dimension, Map<String, Tally>> copy = new EnumMap<>(Dimension.class);
        by.forEach((d, m) -> copy.put(d, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m))));
        by = java.util.Collections.unmodifiableMap(copy);
        callsByHour = List.copyOf(callsByHour);
        outcomes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
    }

    /** This activity with {@code call} counted, in {@code zone} (the account's, UTC when it has none). */
    public AccountActivity with(CallRecord call, ZoneId zone) {
        long callDay = Instant.ofEpochMilli(call.atMs()).atZone(zone).toLocalDate().toEpochDay();
        AccountActivity current = callDay > day || !zone.getId().equals(this.zone) && callDay >= day
                ? new AccountActivity(callDay, zone.getId(), Tally.ZERO, lastCallAtMs, recorded, Map.of(), hours(), Map.of())
                : this;
        if (callDay < current.day) {
            // A result of yesterday's call that arrives after midnight: in the log, not in today's counts.
            return new AccountActivity(current.day, current.zone, current.today, Math.max(lastCallAtMs, call.atMs()), recorded + 1,
                    current.by, current.callsByHour, current.outcomes);
        }
        Map<String, Long> outcomes = new LinkedHashMap<>(current.outcomes);
        outcomes.merge(call.outcome(), 1L, Long::sum);
        if (!call.reachedVendor()) {
            return new AccountActivity(current.day, current.zone, current.today, Math.max(lastCallAtMs, call.atMs()), recorded + 1,
                    current.by, current.callsByHour, outcomes);
        }
        Map<Dimension, Map<String, Tally>> by = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            Map<String, Tally> counts = new LinkedHashMap<>(current.by.getOrDefault(d, Map.of()));
            String value = call.value(d) == null || call.value(d).isEmpty() ? "(none)" : call.value(d);
            String key = counts.containsKey(value) || counts.size() < MAX_KEYS ? value : OTHER;
            counts.put(key, counts.getOrDefault(key, Tally.ZERO).plus(call.cost()));
            by.put(d, counts);
        }
        List<Long> hours = new java.util.ArrayList<>(current.callsByHour);
        int hour = Instant.ofEpochMilli(call.atMs()).atZone(zone).getHour();
        hours.set(hour, hours.get(hour) + 1);
        return new AccountActivity(current.day, current.zone, current.today.plus(call.cost()), Math.max(lastCallAtMs, call.atMs()),
                recorded + 1, by, hours, outcomes);
    }

    /** Today's counts as seen at {@code nowMs}: empty once the account's day has turned. */
    public AccountActivity asOf(long nowMs, ZoneId zone) {
        long today = Instant.ofEpochMilli(nowMs).atZone(zone).toLocalDate().toEpochDay();
        return today > day || !zone.getId().equals(this.zone)
                ? new AccountActivity(today, zone.getId(), Tally.ZERO, lastCallAtMs, recorded, Map.of(), hours(), Map.of())
                : this;
    }

    private static List<Long> hours() {
        return java.util.Collections.nCopies(HOURS, 0L);
    }
}
