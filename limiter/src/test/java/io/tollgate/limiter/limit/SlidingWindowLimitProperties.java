package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.oracle.MostInAnyInterval;
import io.tollgate.limiter.oracle.MostInAnyInterval.Arrival;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Tries to make the sliding window admit more than N in some interval of W at the vendor: random
 * bursts, gaps, costs and send delays within the jitter. Callers wait exactly until the time the
 * limit names, the most aggressive client the engine allows.
 */
class SlidingWindowLimitProperties {

    private static final AccountFacts ACCOUNT = AccountFacts.of("a", null, 1, ZoneOffset.UTC);

    @Provide
    Arbitrary<List<Saturation.Request>> traffic() {
        return Saturation.bursty();
    }

    @Property(tries = 300)
    void shouldNeverLetVendorSeeMoreThanLimitInAnyWindow(
            @ForAll("traffic") List<Saturation.Request> traffic,
            @ForAll @IntRange(min = 1, max = 40) int limit,
            @ForAll @LongRange(min = 50, max = 4000) long windowMs,
            @ForAll @LongRange(min = 0, max = 250) long jitterMs) {
        List<Arrival> seen = Saturation.run(new SlidingWindowLimit(windowMs), limit, traffic, jitterMs, ACCOUNT, 1_000_000,
                (t, e) -> { }, state -> assertThat(((WindowLog) state).size()).isLessThanOrEqualTo(limit));

        assertThat(MostInAnyInterval.units(seen, windowMs)).isLessThanOrEqualTo(limit);
    }

    @Property(tries = 300)
    void shouldAdmitAtTheEarliestMomentTheLimitAllows(
            @ForAll("traffic") List<Saturation.Request> traffic,
            @ForAll @IntRange(min = 1, max = 40) int limit,
            @ForAll @LongRange(min = 50, max = 4000) long windowMs,
            @ForAll @LongRange(min = 0, max = 250) long jitterMs) {
        SlidingWindowLimit window = new SlidingWindowLimit(windowMs);
        LimitState state = null;
        long clock = 1_000_000;
        for (Saturation.Request r : traffic) {
            clock += r.gapMs();
            long units = Math.min(r.units(), limit);
            LimitContext ctx = new LimitContext(clock, jitterMs, ACCOUNT);
            Evaluation e = window.evaluate(state, units, limit, ctx);
            if (!e.admitsAt(clock)) {
                // One millisecond earlier it must still be refused, and at the named time admitted.
                LimitContext before = new LimitContext(e.admitAtMs() - 1, jitterMs, ACCOUNT);
                assertThat(window.evaluate(state, units, limit, before).admitsAt(e.admitAtMs() - 1)).isFalse();
                clock = e.admitAtMs();
                ctx = new LimitContext(clock, jitterMs, ACCOUNT);
                assertThat(window.evaluate(state, units, limit, ctx).admitsAt(clock)).isTrue();
            }
            state = window.charge(state, units, limit, "r", ctx).state();
            // Its result comes at once and says it arrived on time.
            state = window.observeArrival(state, units, clock, clock, true, ctx);
        }
    }

    @Property(tries = 200)
    void shouldKeepAdoptedVendorCountsWithinTheWindowBound(
            @ForAll("traffic") List<Saturation.Request> traffic,
            @ForAll @IntRange(min = 1, max = 40) int limit,
            @ForAll @IntRange(min = 0, max = 60) int deficit,
            @ForAll @LongRange(min = 0, max = 3000) long resetInMs) {
        SlidingWindowLimit window = new SlidingWindowLimit(2000);
        LimitState state = null;
        long clock = 1_000_000;
        for (Saturation.Request r : traffic) {
            clock += r.gapMs();
            LimitContext ctx = new LimitContext(clock, 100, ACCOUNT);
            if (window.evaluate(state, 1, limit, ctx).admitsAt(clock)) {
                state = window.charge(state, 1, limit, "r", ctx).state();
            }
            state = window.adopt(state, deficit, clock + resetInMs, limit, ctx);
            assertThat(window.usage(state, limit, ctx).used()).isLessThanOrEqualTo(limit);
        }
    }

    /**
     * A result reaching the limiter: the call's slot, the latest the vendor can have seen it, whether the vendor
     * answered, and when it is processed.
     */
    record Feedback(long processAtMs, long plannedMs, long latestArrivalMs, boolean answered, long units) {
    }

    /**
     * Calls reach the vendor up to a second later than planned, and their results reach the limiter
     * anywhere from at once to seconds later (a pipeline busy with a burst), or never. A result says when
     * the answer came (up to {@code maxLatencyMs} after the call reached the vendor), so each call's slack
     * in the window is its own lateness, whatever it is. Whenever a result comes, the limiter looks again
     * at once. The vendor must still never see more than N in a window.
     */
    @Property(tries = 400)
    void shouldStayWithinTheLimitHoweverLateTheResultsCome(
            @ForAll("traffic") List<Saturation.Request> traffic,
            @ForAll @IntRange(min = 1, max = 40) int limit,
            @ForAll @LongRange(min = 0, max = 1000) long maxTransitMs,
            @ForAll @LongRange(min = 0, max = 200) long jitterMs,
            @ForAll @LongRange(min = 0, max = 8000) long maxPipelineMs,
            @ForAll @IntRange(min = 0, max = 30) int lostPercent,
            @ForAll @LongRange(min = 0, max = 400) long maxLatencyMs,
            @ForAll long seed) {
        long windowMs = 2000;
        long leadMs = 300;
        long resultWaitMs = 10_000;
        java.util.Random random = new java.util.Random(seed);
        SlidingWindowLimit window = new SlidingWindowLimit(windowMs);
        java.util.PriorityQueue<Feedback> results = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(Feedback::processAtMs));
        List<Arrival> seen = new ArrayList<>();
        LimitState state = null;
        long arrival = 1_000_000;
        long decision = arrival;
        for (Saturation.Request r : traffic) {
            arrival += r.gapMs();
            decision = Math.max(decision, arrival);
            long units = Math.min(r.units(), limit);
            while (true) {
                while (!results.isEmpty() && results.peek().processAtMs() <= decision) {
                    Feedback f = results.poll();
                    state = window.observeArrival(state, f.units(), f.plannedMs(), f.latestArrivalMs(), f.answered(),
                            new LimitContext(f.processAtMs() + leadMs, jitterMs, resultWaitMs, ACCOUNT));
                    assertThat(((WindowLog) state).size()).as("a window of N keeps at most N entries").isLessThanOrEqualTo(limit);
                }
                long planned = decision + leadMs;
                LimitContext ctx = new LimitContext(planned, jitterMs, resultWaitMs, ACCOUNT);
                Evaluation e = window.evaluate(state, units, limit, ctx);
                if (e.admitsAt(planned)) {
                    state = window.charge(state, units, limit, "r", ctx).state();
                    long atVendor = planned + Math.round(r.sendDelayFraction() * maxTransitMs);
                    seen.add(new Arrival(atVendor, units));
                    if (random.nextInt(100) >= lostPercent) {
                        long latest = atVendor + (long) (random.nextDouble() * maxLatencyMs);
                        results.add(new Feedback(latest + (long) (random.nextDouble() * maxPipelineMs), planned, latest, random.nextBoolean(), units));
                    }
                    break;
                }
                long retryAt = e.admitAtMs() - leadMs;
                decision = results.isEmpty() ? retryAt : Math.min(retryAt, Math.max(decision, results.peek().processAtMs()));
            }
        }

        assertThat(MostInAnyInterval.units(seen, windowMs)).isLessThanOrEqualTo(limit);
    }

    @org.junit.jupiter.api.Test
    void shouldHoldAChargeWhoseResultIsLateAndFreeItWhenTheResultComes() {
        SlidingWindowLimit window = new SlidingWindowLimit(2000);
        LimitContext at0 = new LimitContext(1_000_000, 100, 10_000, ACCOUNT);
        LimitState state = window.charge(null, 1, 1, "r", at0).state();
        LimitContext afterWindow = new LimitContext(1_002_100, 100, 10_000, ACCOUNT);

        assertThat(window.evaluate(state, 1, 1, afterWindow).admitAtMs()).as("no result yet: held for the result wait")
                .isEqualTo(1_012_100);
        LimitState onTime = window.observeArrival(state, 1, 1_000_000, 1_000_050L, false, afterWindow);
        assertThat(window.evaluate(onTime, 1, 1, afterWindow).admitsAt(1_002_100)).as("arrived within its slot").isTrue();
        assertThat(window.evaluate(onTime, 1, 1, new LimitContext(1_002_099, 100, 10_000, ACCOUNT)).admitAtMs())
                .as("no answer: the slot's end bounds the arrival").isEqualTo(1_002_100);
        LimitState answered = window.observeArrival(state, 1, 1_000_000, 1_000_030L, true, new LimitContext(1_000_400, 100, 10_000, ACCOUNT));
        assertThat(window.evaluate(answered, 1, 1, new LimitContext(1_000_400, 100, 10_000, ACCOUNT)).admitAtMs())
                .as("answered 30 ms into its slot: the window frees it one window after the answer").isEqualTo(1_002_030);
        LimitState late = window.observeArrival(state, 1, 1_000_000, 1_000_700L, true, afterWindow);
        assertThat(window.evaluate(late, 1, 1, afterWindow).admitAtMs()).as("arrived 700 ms late").isEqualTo(1_002_700);
        LimitState answeredBeforeItsSlot = window.observeArrival(state, 1, 1_000_000, 990_000L, true, afterWindow);
        assertThat(window.evaluate(answeredBeforeItsSlot, 1, 1, new LimitContext(1_000_400, 100, 10_000, ACCOUNT)).admitAtMs())
                .as("a result dated before its slot frees the place no sooner than one window after the slot").isEqualTo(1_002_000);
        LimitState notSent = window.observeArrival(state, 1, 1_000_000, null, false, afterWindow);
        assertThat(window.evaluate(notSent, 1, 1, afterWindow).admitsAt(1_002_100)).as("never sent").isTrue();
    }

    @org.junit.jupiter.api.Test
    void shouldFreeAChargeWhoseResultIsLostAfterTheResultWait() {
        SlidingWindowLimit window = new SlidingWindowLimit(2000);
        LimitState state = window.charge(null, 1, 1, "r", new LimitContext(1_000_000, 100, 10_000, ACCOUNT)).state();

        assertThat(window.evaluate(state, 1, 1, new LimitContext(1_012_099, 100, 10_000, ACCOUNT)).admitsAt(1_012_099)).isFalse();
        assertThat(window.evaluate(state, 1, 1, new LimitContext(1_012_100, 100, 10_000, ACCOUNT)).admitsAt(1_012_100)).isTrue();
    }
}
