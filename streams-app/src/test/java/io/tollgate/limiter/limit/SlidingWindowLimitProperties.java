package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.AccountFacts;
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
        List<VendorView.Arrival> seen = Saturation.run(new SlidingWindowLimit(windowMs), limit, traffic, jitterMs, ACCOUNT, 1_000_000,
                (t, e) -> { }, state -> assertThat(((WindowLog) state).size()).isLessThanOrEqualTo(limit));

        assertThat(VendorView.maxInAnyInterval(seen, windowMs)).isLessThanOrEqualTo(limit);
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

    /** A result reaching the limiter: the call's slot, the latest the vendor can have seen it, and when it is processed. */
    record Feedback(long processAtMs, long plannedMs, long latestArrivalMs, long units) {
    }

    @Property(tries = 300)
    void shouldStayWithinTheLimitWhenLateArrivalsAreReportedBeforeTheNextWindowOpens(
            @ForAll("traffic") List<Saturation.Request> traffic,
            @ForAll @IntRange(min = 1, max = 40) int limit,
            @ForAll @LongRange(min = 0, max = 1000) long maxTransitMs,
            @ForAll @LongRange(min = 0, max = 200) long jitterMs) {
        long windowMs = 2000;
        long leadMs = 300;
        long answerMs = 20;
        long pipelineMs = 200;
        SlidingWindowLimit window = new SlidingWindowLimit(windowMs);
        java.util.PriorityQueue<Feedback> results = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(Feedback::processAtMs));
        List<VendorView.Arrival> seen = new ArrayList<>();
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
                    state = window.observeArrival(state, f.units(), f.plannedMs(), f.latestArrivalMs(),
                            new LimitContext(f.processAtMs() + leadMs, jitterMs, ACCOUNT));
                }
                long planned = decision + leadMs;
                LimitContext ctx = new LimitContext(planned, jitterMs, ACCOUNT);
                Evaluation e = window.evaluate(state, units, limit, ctx);
                if (e.admitsAt(planned)) {
                    state = window.charge(state, units, limit, "r", ctx).state();
                    // Sent on time, but the vendor may see it up to a second later.
                    long atVendor = planned + Math.round(r.sendDelayFraction() * maxTransitMs);
                    seen.add(new VendorView.Arrival(atVendor, units));
                    long latest = atVendor + answerMs;
                    results.add(new Feedback(latest + pipelineMs, planned, latest, units));
                    break;
                }
                decision = e.admitAtMs() - leadMs;
            }
        }

        assertThat(VendorView.maxInAnyInterval(seen, windowMs)).isLessThanOrEqualTo(limit);
    }
}
