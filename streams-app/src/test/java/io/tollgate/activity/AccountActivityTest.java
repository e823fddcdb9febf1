package io.tollgate.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class AccountActivityTest {

    private static final ZoneId SYDNEY = ZoneId.of("Australia/Sydney");

    private static CallRecord call(String at, String user, String integration, String path, long cost, String outcome) {
        return new CallRecord(Instant.parse(at).toEpochMilli(), "r-" + at, integration, user, "GET", Entity.of(path), "v2", cost, outcome,
                200, 120L, null, null);
    }

    @Test
    void shouldCountTheAccountsDayInItsOwnZoneAndStartAgainAtItsMidnight() {
        // 12:59 UTC is 23:59 in Sydney (UTC+11 in November); 13:01 UTC is the next Sydney day.
        AccountActivity a = AccountActivity.NONE
                .with(call("2026-11-30T12:00:00Z", "u1", "crm", "/api/v2/deals/1", 10, "SUCCESS"), SYDNEY)
                .with(call("2026-11-30T12:59:00Z", "u2", "crm", "/api/v2/deals/2", 5, "SUCCESS"), SYDNEY);
        assertThat(a.today()).isEqualTo(new Tally(2, 15));
        assertThat(a.by().get(Dimension.ENTITY)).containsOnlyKeys("/api/v2/deals/{id}");
        assertThat(a.callsByHour().get(23)).isEqualTo(2);

        AccountActivity next = a.with(call("2026-11-30T13:01:00Z", "u1", "crm", "/api/v2/persons/9", 1, "SUCCESS"), SYDNEY);

        assertThat(next.today()).isEqualTo(new Tally(1, 1));
        assertThat(next.by().get(Dimension.USER)).containsOnlyKeys("u1");
        assertThat(next.recorded()).isEqualTo(3);
        assertThat(a.asOf(Instant.parse("2026-11-30T13:30:00Z").toEpochMilli(), SYDNEY).today()).isEqualTo(Tally.ZERO);
    }

    @Test
    void shouldKeepALateResultOfYesterdayOutOfTodaysCountsButInTheLog() {
        AccountActivity today = AccountActivity.NONE.with(call("2026-11-30T10:00:00Z", "u", "crm", "/x", 1, "SUCCESS"), ZoneOffset.UTC);

        AccountActivity after = today.with(call("2026-11-29T23:59:59Z", "u", "crm", "/x", 7, "SUCCESS"), ZoneOffset.UTC);

        assertThat(after.today()).isEqualTo(new Tally(1, 1));
        assertThat(after.recorded()).isEqualTo(2);
    }

    @Test
    void shouldCountRejectionsAsOutcomesNotAsVendorUsage() {
        CallRecord rejected = new CallRecord(Instant.parse("2026-11-30T10:00:00Z").toEpochMilli(), "r", "crm", "u", "GET", "/x", null, 0,
                CallRecord.REJECTED, null, null, "daily-token-budget", "WAIT_EXCEEDS_MAX");

        AccountActivity a = AccountActivity.NONE.with(rejected, ZoneOffset.UTC);

        assertThat(a.today()).isEqualTo(Tally.ZERO);
        assertThat(a.outcomes()).containsEntry("REJECTED", 1L);
        assertThat(a.lastCallAtMs()).isEqualTo(rejected.atMs());
    }

    @Test
    void shouldNotCountACallThatComesBackUnsentItIsCountedWhenItGoes() {
        AccountActivity a = AccountActivity.NONE;
        for (String outcome : new String[] {"STALE", "NOT_SENT", "NETWORK_ERROR", "SUCCESS", "RATE_LIMITED", "OUTCOME_UNKNOWN"}) {
            a = a.with(call("2026-11-30T10:00:00Z", "u", "crm", "/x", 2, outcome), ZoneOffset.UTC);
        }

        assertThat(a.today()).isEqualTo(new Tally(3, 6));
        assertThat(a.outcomes()).containsEntry("STALE", 1L).containsEntry("SUCCESS", 1L).hasSize(6);
        assertThat(a.recorded()).isEqualTo(6);
    }

    @Property(tries = 200)
    void shouldStayBoundedAndReadBackWhateverTheCallersSend(@ForAll("users") java.util.List<String> users) {
        AccountActivity a = AccountActivity.NONE;
        long at = Instant.parse("2026-11-30T10:00:00Z").toEpochMilli();
        for (String user : users) {
            a = a.with(new CallRecord(at++, "r", user, user, "POST", Entity.of("/" + user), user, 3, "SUCCESS", 200, 1L, null, null),
                    ZoneOffset.UTC);
        }

        for (Dimension d : new Dimension[] {Dimension.USER, Dimension.INTEGRATION, Dimension.ENTITY}) {
            assertThat(a.by().getOrDefault(d, java.util.Map.of()).size()).isLessThanOrEqualTo(AccountActivity.MAX_KEYS + 1);
            assertThat(a.by().getOrDefault(d, java.util.Map.of()).values().stream().mapToLong(Tally::calls).sum()).isEqualTo(users.size());
        }
        AccountActivity read = ActivityCodec.decodeActivity(ActivityCodec.encode(a));
        assertThat(read.today()).isEqualTo(a.today());
        assertThat(read.by()).isEqualTo(a.by());
        assertThat(read.callsByHour()).isEqualTo(a.callsByHour());
    }

    @Provide
    Arbitrary<java.util.List<String>> users() {
        return Arbitraries.strings().ofMinLength(0).ofMaxLength(60).list().ofMaxSize(400);
    }

    @Test
    void shouldNameEntitiesByTemplateNotById() {
        assertThat(Entity.of("/api/v2/deals/123")).isEqualTo("/api/v2/deals/{id}");
        assertThat(Entity.of("/v1/persons/9f8e7d6c-1111-2222-3333-444455556666/flow?start=0")).isEqualTo("/v1/persons/{id}/flow");
        assertThat(Entity.of("/v1/deals/search")).isEqualTo("/v1/deals/search");
        assertThat(Entity.of("/a/b/c/d/e/f/g/h")).isEqualTo("/a/b/c/d/e/f/…");
        assertThat(Entity.of("")).isEqualTo("/");
    }
}
