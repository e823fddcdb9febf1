package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.AccountFacts;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Fixed windows, token buckets and concurrency, each attacked where its guarantee is weakest. */
class FixedWindowAndBucketProperties {

    private static final AccountFacts ACCOUNT = AccountFacts.of("a", null, 1, ZoneOffset.UTC);

    record Request(long gapMs, int units, double sendDelayFraction) {
    }

    @Provide
    Arbitrary<List<Request>> traffic() {
        return Combinators.combine(
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 5)),
                                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 400)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 5000))),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.doubles().between(0, 1))
                .as(Request::new)
                .list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 300)
    void shouldKeepEveryAlignedWindowWithinLimitAtTheVendor(
            @ForAll("traffic") List<Request> traffic,
            @ForAll @IntRange(min = 1, max = 30) int limit,
            @ForAll @LongRange(min = 100, max = 3000) long windowMs,
            @ForAll @LongRange(min = 0, max = 300) long jitterMs) {
        // A call may land in the next window but never two ahead: policies refuse fixed windows not
        // longer than the dispatch jitter (see PolicyCompiler).
        net.jqwik.api.Assume.that(jitterMs < windowMs);
        FixedWindowLimit fixed = new FixedWindowLimit(windowMs);
        Map<Long, Long> perWindow = new HashMap<>();
        List<Long> admitted = new ArrayList<>();
        LimitState state = null;
        long arrival = 1_000_003;
        long clock = arrival;
        for (Request r : traffic) {
            arrival += r.gapMs();
            clock = Math.max(clock, arrival);
            long units = Math.min(r.units(), limit);
            while (true) {
                LimitContext ctx = new LimitContext(clock, jitterMs, ACCOUNT);
                Evaluation e = fixed.evaluate(state, units, limit, ctx);
                if (e.admitsAt(clock)) {
                    state = fixed.charge(state, units, limit, "r", ctx).state();
                    long seenAt = clock + Math.round(r.sendDelayFraction() * jitterMs);
                    perWindow.merge(Math.floorDiv(seenAt, windowMs), units, Long::sum);
                    admitted.add(clock);
                    break;
                }
                assertThat(e.admitAtMs()).isGreaterThan(clock);
                clock = e.admitAtMs();
            }
        }

        assertThat(perWindow.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(limit));
        assertThat(admitted).hasSize(traffic.size());
    }

    @Property(tries = 300)
    void shouldNeverLetBucketReleaseMoreThanCapacityPlusRefillAtTheVendor(
            @ForAll("traffic") List<Request> traffic,
            @ForAll @IntRange(min = 1, max = 30) int capacity,
            @ForAll @IntRange(min = 1, max = 50) int refillUnits,
            @ForAll @LongRange(min = 100, max = 5000) long refillPeriodMs,
            @ForAll @LongRange(min = 0, max = 200) long jitterMs,
            @ForAll @LongRange(min = 1, max = 10_000) long intervalMs) {
        TokenBucketLimit bucket = new TokenBucketLimit(refillUnits, refillPeriodMs);
        List<VendorView.Arrival> seen = new ArrayList<>();
        LimitState state = null;
        long arrival = 1_000_000;
        long clock = arrival;
        for (Request r : traffic) {
            arrival += r.gapMs();
            clock = Math.max(clock, arrival);
            long units = Math.min(r.units(), capacity);
            while (true) {
                LimitContext ctx = new LimitContext(clock, jitterMs, ACCOUNT);
                Evaluation e = bucket.evaluate(state, units, capacity, ctx);
                if (e.admitsAt(clock)) {
                    state = bucket.charge(state, units, capacity, "r", ctx).state();
                    seen.add(new VendorView.Arrival(clock + Math.round(r.sendDelayFraction() * jitterMs), units));
                    break;
                }
                assertThat(e.admitAtMs()).isGreaterThan(clock);
                clock = e.admitAtMs();
            }
        }

        // GCRA admits at most its capacity at once plus what refills during the interval. The jitter
        // is taken from the burst tolerance, so it adds nothing, unless the tolerance is smaller than
        // the jitter plus one call (tiny buckets), where the engine keeps one call's worth instead.
        long allowed = capacity + (long) Math.ceil((double) intervalMs * refillUnits / refillPeriodMs);
        boolean toleranceCoversJitter = jitterMs * refillUnits <= (long) (capacity - Math.min(5, capacity)) * refillPeriodMs;
        long jitterSlack = toleranceCoversJitter ? 0 : (long) Math.ceil((double) jitterMs * refillUnits / refillPeriodMs);
        assertThat(VendorView.maxInAnyInterval(seen, intervalMs)).isLessThanOrEqualTo(allowed + jitterSlack);
    }

    @Property(tries = 300)
    void shouldNeverHoldMoreThanCapacityPermits(
            @ForAll @IntRange(min = 1, max = 6) int capacity,
            @ForAll("events") List<Integer> events) {
        ConcurrencyLimit concurrency = new ConcurrencyLimit(5_000);
        LimitState state = null;
        List<String> inFlight = new ArrayList<>();
        long clock = 1_000_000;
        int next = 0;
        for (int event : events) {
            clock += 10;
            LimitContext ctx = new LimitContext(clock, 0, ACCOUNT);
            if (event >= 0 || inFlight.isEmpty()) {
                if (concurrency.evaluate(state, 1, capacity, ctx).admitsAt(clock)) {
                    String id = "r" + next++;
                    state = concurrency.charge(state, 1, capacity, id, ctx).state();
                    inFlight.add(id);
                }
            } else {
                String done = inFlight.remove(Math.floorMod(event, inFlight.size()));
                state = concurrency.release(state, done, ctx);
            }
            assertThat(concurrency.usage(state, capacity, ctx).used()).isLessThanOrEqualTo(capacity);
            assertThat(inFlight).hasSizeLessThanOrEqualTo(capacity);
        }
    }

    @Provide
    Arbitrary<List<Integer>> events() {
        return Arbitraries.integers().between(-5, 5).list().ofMaxSize(200);
    }
}
