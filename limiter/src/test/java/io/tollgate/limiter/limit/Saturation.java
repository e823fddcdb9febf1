package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.oracle.MostInAnyInterval.Arrival;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The most aggressive client a limit allows: each request goes the moment the limit admits it, waiting
 * exactly until the time the limit names, in order. What it sends is what the vendor sees, each call
 * delayed by a random part of the jitter.
 */
final class Saturation {

    /**
     * A request arriving {@code gapMs} after the previous one, sent with a delay of that fraction of the jitter,
     * and asked about that fraction of a look-back before the latest time asked about (see {@link #runLookingBack}).
     */
    record Request(long gapMs, int units, double sendDelayFraction, double lookBackFraction) {
    }

    private Saturation() {
    }

    /** Bursts, short gaps and the occasional pause longer than a window. */
    static Arbitrary<List<Request>> bursty() {
        return traffic(Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(0, 5)),
                Tuple.of(3, Arbitraries.longs().between(0, 500)),
                Tuple.of(1, Arbitraries.longs().between(0, 6000))), 300);
    }

    static Arbitrary<List<Request>> traffic(Arbitrary<Long> gaps, int maxRequests) {
        return Combinators.combine(gaps, Arbitraries.integers().between(1, 6), Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 1))
                .as(Request::new).list().ofMinSize(1).ofMaxSize(maxRequests);
    }

    /**
     * Runs the client and returns what the vendor saw.
     *
     * @param onDelay called with (time asked, evaluation) whenever the limit holds a request back
     * @param afterCharge called with each new state
     */
    static List<Arrival> run(Limit limit, long capacity, List<Request> traffic, long jitterMs, AccountFacts account,
                                        long startMs, Delays onDelay, Consumer<LimitState> afterCharge) {
        return run(limit, capacity, traffic, jitterMs, account, startMs, 0, onDelay, afterCharge);
    }

    /**
     * As {@link #run}, but each request is asked about up to {@code maxLookBackMs} before the latest time asked about
     * so far (never before it arrived): a drain that planned one lane's call ahead asks about the next lane's, whose
     * window turned earlier, at that earlier time.
     */
    static List<Arrival> runLookingBack(Limit limit, long capacity, List<Request> traffic, long jitterMs, AccountFacts account,
                                        long startMs, long maxLookBackMs) {
        return run(limit, capacity, traffic, jitterMs, account, startMs, maxLookBackMs, (t, e) -> { }, s -> { });
    }

    /** As {@link #runLookingBack}, with {@code onDelay} called whenever the limit holds a request back. */
    static List<Arrival> runLookingBack(Limit limit, long capacity, List<Request> traffic, long jitterMs, AccountFacts account,
                                        long startMs, long maxLookBackMs, Delays onDelay) {
        return run(limit, capacity, traffic, jitterMs, account, startMs, maxLookBackMs, onDelay, s -> { });
    }

    private static List<Arrival> run(Limit limit, long capacity, List<Request> traffic, long jitterMs, AccountFacts account,
                                     long startMs, long maxLookBackMs, Delays onDelay, Consumer<LimitState> afterCharge) {
        List<Arrival> seen = new ArrayList<>();
        LimitState state = null;
        long arrival = startMs;
        long latestAsked = startMs;
        for (Request r : traffic) {
            arrival += r.gapMs();
            long clock = Math.max(arrival, latestAsked - Math.round(r.lookBackFraction() * maxLookBackMs));
            long units = Math.min(r.units(), capacity);
            while (true) {
                LimitContext ctx = new LimitContext(clock, jitterMs, account);
                Evaluation e = limit.evaluate(state, units, capacity, ctx);
                if (e.admitsAt(clock)) {
                    state = limit.charge(state, units, capacity, "r", ctx).state();
                    long atVendor = clock + Math.round(r.sendDelayFraction() * jitterMs);
                    // Its result comes back at once: the vendor saw it within the jitter.
                    state = limit.observeArrival(state, units, clock, atVendor, true, ctx);
                    afterCharge.accept(state);
                    seen.add(new Arrival(atVendor, units));
                    latestAsked = Math.max(latestAsked, clock);
                    break;
                }
                assertThat(e.admitAtMs()).as("a held request is admitted later, not now").isGreaterThan(clock);
                onDelay.held(clock, e);
                clock = e.admitAtMs();
            }
        }
        return seen;
    }

    static List<Arrival> run(Limit limit, long capacity, List<Request> traffic, long jitterMs, AccountFacts account, long startMs) {
        return run(limit, capacity, traffic, jitterMs, account, startMs, (t, e) -> { }, s -> { });
    }

    @FunctionalInterface
    interface Delays {
        void held(long askedAtMs, Evaluation evaluation);
    }
}
