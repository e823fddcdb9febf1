package io.tollgate.topology.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.limiter.RuleCharge;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.limit.CredentialState;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.QuotaCount;
import io.tollgate.limiter.limit.WindowCount;
import io.tollgate.limiter.limit.WindowLog;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** The two kinds of value a decision writes: a subject's counters and a call's ledger entry. */
class StoreValuesProperties {

    @Property(tries = 300)
    void shouldReadBackEveryCounterOfASubjectAndDeleteThoseSetToNull(@ForAll("counters") Map<String, LimitState> states,
                                                                     @ForAll("counters") Map<String, LimitState> updates) {
        SubjectCounters written = SubjectCounters.empty();
        states.forEach(written::put);
        List<String> deleted = states.keySet().stream().limit(2).toList();
        deleted.forEach(rule -> written.put(rule, null));
        updates.forEach(written::put);

        Map<String, LimitState> expected = new LinkedHashMap<>(states);
        deleted.forEach(expected::remove);
        expected.putAll(updates);
        SubjectCounters read = SubjectCounters.decode(written.encode());

        assertThat(read.keys()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((rule, state) -> assertThat(read.get(rule)).as(rule).isEqualTo(state));
        assertThat(read.changed()).isFalse();
        assertThat(SubjectCounters.decode(read.encode()).keys()).as("written back unread").containsExactlyElementsOf(read.keys());
    }

    @Property(tries = 500)
    void shouldRefuseAnyOtherBytesWithOneKindOfError(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            SubjectCounters counters = SubjectCounters.decode(bytes);
            for (String key : counters.keys()) {
                try {
                    counters.get(key);
                } catch (RuntimeException e) {
                    assertThat(e).isInstanceOfAny(IllegalStateException.class, IllegalArgumentException.class);
                }
            }
        } catch (RuntimeException e) {
            assertThat(e).isInstanceOf(IllegalStateException.class);
        }
        try {
            LedgerEntry.timeOf(bytes);
            LedgerEntry.callOf(bytes);
        } catch (RuntimeException e) {
            assertThat(e).isInstanceOfAny(IllegalStateException.class, java.io.UncheckedIOException.class);
        }
    }

    @Property(tries = 200)
    void shouldKeepACallInFlightAndReadItsTimeWithoutDecodingIt(@ForAll long dispatchedAt, @ForAll int attempt, @ForAll long seenAt) {
        InFlightCall call = new InFlightCall(7, attempt, dispatchedAt, 1_200, 900, 1,
                List.of(new RuleCharge("budget", "account:acme", 10, 1000, 600, 5_000L, false, 290)), 60_000, "burst");

        byte[] inFlight = LedgerEntry.inFlight(call);
        byte[] seen = LedgerEntry.seen(seenAt);

        assertThat(LedgerEntry.callOf(inFlight)).isEqualTo(call);
        assertThat(LedgerEntry.timeOf(inFlight)).isEqualTo(dispatchedAt);
        assertThat(LedgerEntry.isInFlight(inFlight)).isTrue();
        assertThat(LedgerEntry.callOf(seen)).isNull();
        assertThat(LedgerEntry.timeOf(seen)).isEqualTo(seenAt);
        assertThat(LedgerEntry.isInFlight(seen)).isFalse();
    }

    @Property(tries = 50)
    void shouldRefuseATruncatedValue(@ForAll("counters") Map<String, LimitState> states) {
        SubjectCounters written = SubjectCounters.empty();
        states.forEach(written::put);
        byte[] bytes = written.encode();
        if (states.isEmpty()) {
            return;
        }
        assertThatThrownBy(() -> SubjectCounters.decode(Arrays.copyOf(bytes, bytes.length - 1))).isInstanceOf(IllegalStateException.class);
    }

    @Provide
    Arbitrary<Map<String, LimitState>> counters() {
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("burst", "daily", RuleKey.CREDENTIAL_RULE, "r\u00e9gle \u2603"),
                Arbitraries.strings().withCharRange(' ', '\ud7ff').ofMaxLength(40));
        Arbitrary<LimitState> states = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs()).as(WindowCount::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs()).as(QuotaCount::new),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 2).list().uniqueElements().ofMaxSize(30).map(times -> {
                    long[] t = times.stream().mapToLong(Long::longValue).sorted().toArray();
                    long[] units = new long[t.length];
                    Arrays.fill(units, 1);
                    return WindowLog.of(t, units);
                }),
                Arbitraries.longs().map(until -> CredentialState.paused(until, "429 from the vendor")));
        return Arbitraries.maps(keys, states).ofMaxSize(12);
    }
}
