package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.oracle.MostInAnyInterval.Arrival;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Daily quotas across DST changes and unusual offsets: the vendor's count per local calendar day
 * never exceeds the quota, whichever side of midnight a call lands on, and a spent quota frees at
 * the next local midnight exactly.
 */
class DailyQuotaLimitProperties {

    /** Zones with 23/25-hour days, 30-minute DST, 45-minute offsets, and a day that was skipped. */
    private static final List<String> ZONES = List.of("UTC", "America/New_York", "Europe/Berlin",
            "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago", "Pacific/Apia", "Asia/Tehran",
            "America/Havana", "Europe/London");

    /** Starts a day or so before DST changes of several zones, and before Samoa's skipped 2011-12-30. */
    private static final List<LocalDateTime> STARTS = List.of(
            LocalDateTime.of(2026, 3, 7, 20, 0), LocalDateTime.of(2026, 3, 28, 21, 0),
            LocalDateTime.of(2026, 10, 24, 22, 0), LocalDateTime.of(2026, 10, 31, 23, 30),
            LocalDateTime.of(2026, 4, 4, 22, 0), LocalDateTime.of(2026, 9, 5, 23, 0),
            LocalDateTime.of(2011, 12, 28, 12, 0), LocalDateTime.of(2027, 3, 13, 23, 0));

    /** Minutes to a day and more between calls. */
    @Provide
    Arbitrary<List<Saturation.Request>> traffic() {
        return Saturation.traffic(Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(0, 60_000)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 3_600_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 30 * 3_600_000L))), 200);
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }

    @Provide
    Arbitrary<LocalDateTime> starts() {
        return Arbitraries.of(STARTS);
    }

    /** Also asked about times before ones already asked about (a drain's lanes), across midnights. */
    @Property(tries = 400)
    void shouldNeverExceedQuotaOnAnyLocalDayAtTheVendor(
            @ForAll("traffic") List<Saturation.Request> traffic,
            @ForAll("zones") String zoneName,
            @ForAll("starts") LocalDateTime start,
            @ForAll @IntRange(min = 1, max = 20) int quota,
            @ForAll @LongRange(min = 0, max = 5000) long jitterMs,
            @ForAll boolean accountZone,
            @ForAll @LongRange(min = 0, max = 4 * 3_600_000L) long lookBackMs) {
        ZoneId zone = ZoneId.of(zoneName);
        AccountFacts account = AccountFacts.of("a", null, 1, zone);
        DailyQuotaLimit limit = new DailyQuotaLimit(accountZone ? new ZoneSpec.AccountZone() : new ZoneSpec.Fixed(zone),
                DailyQuotaLimit.Reset.MIDNIGHT);
        List<Arrival> seen = Saturation.runLookingBack(limit, quota, traffic, jitterMs, account,
                start.atZone(zone).toInstant().toEpochMilli(), lookBackMs, (askedAt, e) -> {
                    LocalDate freeDay = Instant.ofEpochMilli(e.admitAtMs()).atZone(zone).toLocalDate();
                    assertThat(e.admitAtMs()).as("a spent quota frees at local midnight")
                            .isEqualTo(freeDay.atStartOfDay(zone).toInstant().toEpochMilli());
                });
        Map<LocalDate, Long> vendorCount = new HashMap<>();
        seen.forEach(a -> vendorCount.merge(Instant.ofEpochMilli(a.atMs()).atZone(zone).toLocalDate(), a.units(), Long::sum));

        assertThat(vendorCount.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(quota));
    }

    /**
     * A call planned into tomorrow already, and today's quota reported spent a moment before midnight: today's calls
     * wait for tomorrow's start, not for the day after.
     */
    @Property(tries = 100)
    void shouldResetAtTheNextMidnightWhenACallWasPlannedIntoTheNextDay(@ForAll("zones") String zoneName,
                                                                       @ForAll @LongRange(min = 1, max = 99) long beforeMidnightMs) {
        ZoneId zone = ZoneId.of(zoneName);
        AccountFacts account = AccountFacts.of("a", null, 1, zone);
        DailyQuotaLimit limit = new DailyQuotaLimit(new ZoneSpec.AccountZone(), DailyQuotaLimit.Reset.MIDNIGHT);
        long midnight = DailyQuotaLimit.startOf(LocalDate.of(2026, 6, 11).toEpochDay(), zone);
        LimitState tomorrow = limit.charge(null, 1, 10, "ahead", new LimitContext(midnight, 0, account)).state();

        Usage usage = limit.usage(tomorrow, 10, new LimitContext(midnight - beforeMidnightMs, 0, account));

        assertThat(usage.resetAtMs()).isEqualTo(midnight);
    }

    @Property(tries = 200)
    void shouldShowYesterdaysCountUntilFirstRequestWhenResetIsOnFirstRequest(
            @ForAll("zones") String zoneName,
            @ForAll @IntRange(min = 1, max = 20) int used,
            @ForAll @LongRange(min = 1, max = 20 * 3_600_000L) long quietMs) {
        ZoneId zone = ZoneId.of(zoneName);
        AccountFacts account = AccountFacts.of("a", null, 1, zone);
        DailyQuotaLimit firstRequest = new DailyQuotaLimit(new ZoneSpec.AccountZone(), DailyQuotaLimit.Reset.FIRST_REQUEST_AFTER_MIDNIGHT);
        DailyQuotaLimit midnight = new DailyQuotaLimit(new ZoneSpec.AccountZone(), DailyQuotaLimit.Reset.MIDNIGHT);
        long lateEvening = LocalDate.of(2026, 3, 7).atTime(23, 0).atZone(zone).toInstant().toEpochMilli();
        LimitState state = null;
        for (int i = 0; i < used; i++) {
            state = firstRequest.charge(state, 1, 2500, "r" + i, new LimitContext(lateEvening, 0, account)).state();
        }
        long later = lateEvening + 3_600_000 + quietMs;
        LimitContext ctx = new LimitContext(later, 0, account);

        assertThat(firstRequest.usage(state, 2500, ctx).used()).isEqualTo(used);
        assertThat(midnight.usage(state, 2500, ctx).used()).isZero();
        LimitState afterFirstCall = firstRequest.charge(state, 1, 2500, "first", ctx).state();
        assertThat(firstRequest.usage(afterFirstCall, 2500, ctx).used()).isEqualTo(1);
    }
}
