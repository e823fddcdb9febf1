package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.oracle.MostInAnyInterval;
import io.tollgate.limiter.oracle.MostInAnyInterval.Arrival;
import java.time.ZoneOffset;
import java.util.ArrayList;
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

/** Fixed windows, token buckets and concurrency, each attacked where its guarantee is weakest. */
class FixedWindowAndBucketProperties {

    private static final AccountFacts ACCOUNT = AccountFacts.of("a", null, 1, ZoneOffset.UTC);

    @Provide
    Arbitrary<List<Saturation.Request>> traffic() {
        return Saturation.bursty();
    }

    /**
     * Also asked about times before ones already asked about, as a drain asks about one lane's call after planning
     * another's ahead: starting an earlier window afresh once a later one was counted admitted past the limit.
     */
    @Property(tries = 300)
    void shouldKeepEveryAlignedWindowWithinLimitAtTheVendor(
            @ForAll("traffic") List<Saturation.Request> traffic,
            @ForAll @IntRange(min = 1, max = 30) int limit,
            @ForAll @LongRange(min = 100, max = 3000) long windowMs,
            @ForAll @LongRange(min = 0, max = 300) long jitterMs,
            @ForAll @LongRange(min = 0, max = 3000) long lookBackMs) {
        // A call may land in the next window but never two ahead: policies refuse fixed windows not
        // longer than the dispatch jitter (see PolicyCompiler).
        net.jqwik.api.Assume.that(jitterMs < windowMs);
        List<Arrival> seen = Saturation.runLookingBack(new FixedWindowLimit(windowMs), limit, traffic, jitterMs, ACCOUNT, 1_000_003,
                lookBackMs);
        Map<Long, Long> perWindow = new HashMap<>();
        seen.forEach(a -> perWindow.merge(Math.floorDiv(a.atMs(), windowMs), a.units(), Long::sum));

        assertThat(perWindow.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(limit));
        assertThat(seen).hasSize(traffic.size());
    }

    @Property(tries = 300)
    void shouldNeverLetBucketReleaseMoreThanCapacityPlusRefillAtTheVendor(
            @ForAll("traffic") List<Saturation.Request> traffic,
            @ForAll @IntRange(min = 1, max = 30) int capacity,
            @ForAll @IntRange(min = 1, max = 50) int refillUnits,
            @ForAll @LongRange(min = 100, max = 5000) long refillPeriodMs,
            @ForAll @LongRange(min = 0, max = 200) long jitterMs,
            @ForAll @LongRange(min = 1, max = 10_000) long intervalMs,
            @ForAll @LongRange(min = 0, max = 3000) long lookBackMs) {
        // Asked about times before ones already asked about too (a drain's lanes): a bucket only holds more then.
        List<Arrival> seen = Saturation.runLookingBack(new TokenBucketLimit(refillUnits, refillPeriodMs), capacity, traffic, jitterMs,
                ACCOUNT, 1_000_000, lookBackMs);

        // GCRA admits at most its capacity at once plus what refills during the interval. The jitter
        // is taken from the burst tolerance, so it adds nothing, unless the tolerance is smaller than
        // the jitter plus one call (tiny buckets), where the engine keeps one call's worth instead.
        long allowed = capacity + (long) Math.ceil((double) intervalMs * refillUnits / refillPeriodMs);
        boolean toleranceCoversJitter = jitterMs * refillUnits <= (long) (capacity - Math.min(6, capacity)) * refillPeriodMs;
        long jitterSlack = toleranceCoversJitter ? 0 : (long) Math.ceil((double) jitterMs * refillUnits / refillPeriodMs);
        assertThat(MostInAnyInterval.units(seen, intervalMs)).isLessThanOrEqualTo(allowed + jitterSlack);
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

    /**
     * A result applied before a slot given ahead (a drain's look-ahead), whatever the deficit it reports, never lets the
     * next call go sooner than the calls charged since allow.
     */
    @Property(tries = 300)
    void shouldNeverLetTheNextCallGoSoonerWhenAResultIsAppliedBeforeASlotGivenAhead(
            @ForAll @IntRange(min = 1, max = 30) int capacity,
            @ForAll @IntRange(min = 1, max = 50) int refillUnits,
            @ForAll @LongRange(min = 100, max = 5000) long refillPeriodMs,
            @ForAll @IntRange(min = 1, max = 30) int calls,
            @ForAll @LongRange(min = 0, max = 100) long earlierMs,
            @ForAll @LongRange(min = 1, max = 30) long deficit) {
        TokenBucketLimit bucket = new TokenBucketLimit(refillUnits, refillPeriodMs);
        LimitContext atSlot = new LimitContext(1_000_000, 0, ACCOUNT);
        LimitState state = null;
        for (int i = 0; i < calls && bucket.evaluate(state, 1, capacity, atSlot).admitsAt(atSlot.nowMs()); i++) {
            state = bucket.charge(state, 1, capacity, "r" + i, atSlot).state();
        }
        long nextBefore = bucket.evaluate(state, 1, capacity, atSlot).admitAtMs();

        LimitState adopted = bucket.adopt(state, deficit, null, capacity, new LimitContext(atSlot.nowMs() - earlierMs, 0, ACCOUNT));

        assertThat(bucket.evaluate(adopted, 1, capacity, atSlot).admitAtMs()).isGreaterThanOrEqualTo(nextBefore);
    }

    /** A slow refill and a large capacity, as a policy may hold them: the bucket's arithmetic saturates instead of wrapping. */
    @Property(tries = 200)
    void shouldNeverAdmitBeyondABucketsCapacityHoweverLargeItsNumbers(@ForAll @LongRange(min = 1, max = 1_000_000_000_000L) long capacity,
                                                                       @ForAll @LongRange(min = 1, max = 604_800_000L) long everyMs,
                                                                       @ForAll @LongRange(min = 1, max = 1_000_000_000L) long units) {
        TokenBucketLimit bucket = new TokenBucketLimit(1, everyMs);
        LimitContext ctx = new LimitContext(1_790_000_000_000L, 0, AccountFacts.of("acme", null, 1, ZoneOffset.UTC));
        long first = Math.min(units, capacity);
        LimitState state = bucket.charge(null, first, capacity, "r1", ctx).state();

        // Right after a charge, a call of the whole capacity cannot fit again (unless the bucket is tiny and fully refilled, which it is not at once).
        assertThat(bucket.evaluate(state, capacity, capacity, ctx).admitsAt(ctx.nowMs())).isFalse();
        assertThat(bucket.usage(state, capacity, ctx).used()).isBetween(1L, capacity);
    }
}
