package io.tollgate.limiter;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.limit.LimitContext;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.rule.CostTable;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.VendorHeaders;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * What a vendor's remaining count on a credential's burst window says about spending elsewhere, when calls
 * reach the vendor late and out of order. A deficit the limiter takes for someone else's spending holds a
 * whole window of the credential's allowance: one taken from its own calls' reordering is allowance lost.
 */
class SpendingElsewhereProperties {

    private static final long T0 = 1_795_000_000_000L;
    private static final long WINDOW_MS = 2000;
    private static final AccountFacts ACME = AccountFacts.of("acme", "growth", 1, ZoneOffset.UTC);
    private static final VendorHeaders HEADERS = new VendorHeaders("x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-limit");
    private static final Limiter LIMITER = new Limiter(new LimiterSettings(100, 2000, 600_000, LimitContext.DEFAULT_RESULT_WAIT_MS, 0, 10));

    /** A call the limiter is asked about {@code gapMs} after the one before, reaching the vendor {@code lateMs} after its slot. */
    record Attempt(int gapMs, int lateMs) {
    }

    /** A call sent: its slot, its arrival at the vendor, and its charges. */
    record Sent(String id, long slotMs, long arrivalMs, List<RuleCharge> charges) {
    }

    /** A kind of limit the vendor reports a remaining count for, and how the vendor counts it. */
    enum Kind {
        SLIDING(() -> Rules.sliding("burst").per(ofSeconds(WINDOW_MS / 1000))) {
            @Override
            boolean countedWith(long arrivalMs, long reportingArrivalMs) {
                return arrivalMs > reportingArrivalMs - WINDOW_MS && arrivalMs <= reportingArrivalMs;
            }
        },
        FIXED(() -> Rules.fixed("burst").per(ofSeconds(WINDOW_MS / 1000))) {
            @Override
            boolean countedWith(long arrivalMs, long reportingArrivalMs) {
                return Math.floorDiv(arrivalMs, WINDOW_MS) == Math.floorDiv(reportingArrivalMs, WINDOW_MS) && arrivalMs <= reportingArrivalMs;
            }
        },
        DAILY(() -> Rules.dailyQuota("burst")) {
            @Override
            boolean countedWith(long arrivalMs, long reportingArrivalMs) {
                return Math.floorDiv(arrivalMs, 86_400_000L) == Math.floorDiv(reportingArrivalMs, 86_400_000L) && arrivalMs <= reportingArrivalMs;
            }
        };

        private final java.util.function.Supplier<Rules.Builder> rule;

        Kind(java.util.function.Supplier<Rules.Builder> rule) {
            this.rule = rule;
        }

        /** Whether the vendor counts a call that arrived at {@code arrivalMs} in what it reports to one that arrived at {@code reportingArrivalMs}. */
        abstract boolean countedWith(long arrivalMs, long reportingArrivalMs);

        /** The length of the period the vendor counts in, aligned to the epoch (none for a sliding window). */
        long periodMs() {
            return this == FIXED ? WINDOW_MS : this == DAILY ? 86_400_000L : 0;
        }

        LimitPolicy policy(int limit) {
            return new LimitPolicy("p", List.of(rule.get().limit(limit).vendorHeaders(HEADERS).byCredential()), List.of(),
                    new CostTable(List.of(), Map.of(), 1), 3_600_000);
        }
    }

    /**
     * The vendor sees only Tollgate's calls, some up to 600 ms late, so that calls charged after a late one
     * reach the vendor before it. Each result says how many the vendor had left when the call reached it, and
     * comes the moment the vendor answers. Whatever the order, and whatever the kind of limit, none of it is
     * spending elsewhere.
     */
    @Property(tries = 300)
    void shouldTakeNothingForSpendingElsewhereWhenTheVendorSawOnlyTollgatesCalls(
            @ForAll @Size(min = 1, max = 300) List<@net.jqwik.api.From("attempts") Attempt> attempts,
            @ForAll @IntRange(min = 1, max = 60) int limit, @ForAll Kind kind) {
        LimitPolicy policy = kind.policy(limit);
        Map<RuleKey, LimitState> states = new HashMap<>();
        List<Sent> sent = new ArrayList<>();
        List<Sent> unanswered = new ArrayList<>();
        long untracked = 0;
        long clock = T0;
        for (int i = 0; i <= attempts.size(); i++) {
            long next = i < attempts.size() ? clock + attempts.get(i).gapMs() : Long.MAX_VALUE;
            // Every answer up to the next decision, in the order the vendor gave them.
            unanswered.sort(Comparator.comparingLong(Sent::arrivalMs));
            while (!unanswered.isEmpty() && unanswered.get(0).arrivalMs() <= next) {
                Sent call = unanswered.remove(0);
                long seen = sent.stream().filter(s -> kind.countedWith(s.arrivalMs(), call.arrivalMs())).count();
                FeedbackEffect effect = LIMITER.feedback(policy, ACME, new DispatchOutcome(call.id(), "cred-1", CallOutcome.SUCCESS,
                        Map.of("x-ratelimit-remaining", "" + (limit - seen), "x-ratelimit-reset", "2"), call.charges(),
                        call.slotMs(), call.arrivalMs(), false, true), states::get, call.arrivalMs());
                states.putAll(effect.updates());
                untracked += effect.untrackedUnits().getOrDefault("burst", 0L);
            }
            if (i == attempts.size()) {
                break;
            }
            clock = next;
            Call call = Calls.get("c" + i, "/v1/deals");
            if (LIMITER.decide(policy, ACME, call, states::get, clock, clock) instanceof Decision.Admit admit) {
                states.putAll(admit.updates());
                Sent s = new Sent(call.requestId(), clock, clock + attempts.get(i).lateMs(), admit.charges());
                sent.add(s);
                unanswered.add(s);
            }
        }
        boolean overtaken = false;
        for (int i = 1; i < sent.size(); i++) {
            overtaken |= sent.get(i).arrivalMs() < sent.get(i - 1).arrivalMs();
        }
        Statistics.label("a call overtaken at the vendor").collect(overtaken);
        Statistics.label("a call overtaken at the vendor").coverage(c -> c.check(true).percentage(p -> p > 25));
        assertThat(untracked).as("units taken for spending elsewhere").isZero();
    }

    /**
     * A result read long after its answer, when the calls that the vendor counted with it have left the
     * window's log: its remaining count is still Tollgate's own, not someone else's.
     */
    @Test
    void shouldTakeNothingForSpendingElsewhereFromAResultReadLate() {
        LimitPolicy policy = policy(40);
        Map<RuleKey, LimitState> states = new HashMap<>();
        List<Decision.Admit> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(admit(policy, states, "c" + i, T0 + 10L * i));
        }
        long untracked = 0;
        for (int i = 0; i < 39; i++) {
            untracked += answer(policy, states, burst.get(i), "c" + i, T0 + 10L * i, T0 + 10L * i, 40 - (i + 1), T0 + 10L * i);
        }
        // Five seconds on, new calls go (and the burst leaves the log); then the last call's result is read.
        for (int i = 0; i < 3; i++) {
            admit(policy, states, "n" + i, T0 + 5000);
        }
        untracked += answer(policy, states, burst.get(39), "c39", T0 + 390, T0 + 390, 0, T0 + 5001);

        assertThat(untracked).isZero();
    }

    /**
     * A late call's result read late, when calls charged after it reached the vendor first and the window's
     * oldest calls, which the vendor still counted with it, have left the log: Tollgate's own calls, all of
     * them, on both counts. (Ten units taken with either count alone.)
     */
    @Test
    void shouldTakeNothingForSpendingElsewhereFromALateCallsResultReadLate() {
        LimitPolicy policy = policy(40);
        Map<RuleKey, LimitState> states = new HashMap<>();
        long untracked = 0;
        // Twenty calls, answered 10 ms after their slots and read at once.
        for (int i = 0; i < 20; i++) {
            untracked += answer(policy, states, admit(policy, states, "old" + i, T0 + i), "old" + i, T0 + i, T0 + i + 10, 40 - (i + 1), T0 + i + 10);
        }
        // A call that reaches the vendor 400 ms after its slot; ten charged after it get there first.
        Decision.Admit late = admit(policy, states, "late", T0 + 1500);
        for (int i = 0; i < 10; i++) {
            long slot = T0 + 1600 + i;
            untracked += answer(policy, states, admit(policy, states, "next" + i, slot), "next" + i, slot, slot + 10, 40 - 20 - (i + 1), slot + 10);
        }
        // A call decided 185 ms after the late call's answer moves the window on; then that answer is read.
        admit(policy, states, "then", T0 + 2095);
        untracked += answer(policy, states, late, "late", T0 + 1500, T0 + 1910, 40 - 31, T0 + 2100);

        assertThat(untracked).isZero();
    }

    /** A call admitted (it must be) at {@code at}, its charges stored. */
    private static Decision.Admit admit(LimitPolicy policy, Map<RuleKey, LimitState> states, String id, long at) {
        Decision.Admit admit = (Decision.Admit) LIMITER.decide(policy, ACME, Calls.get(id, "/v1/deals"), states::get, at, at);
        states.putAll(admit.updates());
        return admit;
    }

    /**
     * Applies the result of {@code call}, planned at {@code slot} and answered on arrival with {@code remaining}
     * left, read at {@code readAt}; returns the units taken for spending elsewhere.
     */
    private static long answer(LimitPolicy policy, Map<RuleKey, LimitState> states, Decision.Admit call, String id, long slot, long arrival,
                               long remaining, long readAt) {
        FeedbackEffect effect = LIMITER.feedback(policy, ACME, new DispatchOutcome(id, "cred-1", CallOutcome.SUCCESS,
                Map.of("x-ratelimit-remaining", "" + remaining, "x-ratelimit-reset", "2"), call.charges(), slot, arrival, false, true),
                states::get, readAt);
        states.putAll(effect.updates());
        return effect.untrackedUnits().getOrDefault("burst", 0L);
    }

    @Provide
    Arbitrary<Attempt> attempts() {
        return Combinators.combine(Arbitraries.integers().between(0, 60), Arbitraries.oneOf(Arbitraries.integers().between(0, 20),
                Arbitraries.integers().between(0, 600))).as(Attempt::new);
    }

    /**
     * Someone else spent 15 of 40 on the credential while ten of Tollgate's calls were on their way: every
     * result shows it, and it is counted once, not once per result (ten times over, it would fill the window).
     */
    @Property(generation = GenerationMode.EXHAUSTIVE)
    void shouldCountSpendingElsewhereOnceHoweverManyResultsReportIt(@ForAll Kind kind) {
        LimitPolicy policy = kind.policy(40);
        Map<RuleKey, LimitState> states = new HashMap<>();
        List<Decision.Admit> inFlight = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            inFlight.add(admit(policy, states, "c" + i, T0 + i));
        }
        long untracked = 0;
        for (int i = 0; i < 10; i++) {
            long arrival = T0 + 20 + i;
            // 15 elsewhere, and Tollgate's calls that reached the vendor so far.
            untracked += answer(policy, states, inFlight.get(i), "c" + i, T0 + i, arrival, 40 - 15 - (i + 1), arrival);
        }
        assertThat(untracked).isEqualTo(15);
        // 10 sent and 15 elsewhere: 15 more may go in this window, not 30.
        int admitted = 0;
        while (LIMITER.decide(policy, ACME, Calls.get("more" + admitted, "/v1/deals"), states::get, T0 + 100, T0 + 100)
                instanceof Decision.Admit admit) {
            states.putAll(admit.updates());
            admitted++;
        }
        assertThat(admitted).isEqualTo(15);
    }

    /**
     * The vendor reports 35 of 40 spent elsewhere in one window or day, and the result is read in the next: that
     * count is of a period Tollgate no longer counts, so nothing of it is carried into the new one.
     */
    @Property(generation = GenerationMode.EXHAUSTIVE)
    void shouldCarryNoDeficitIntoTheNextPeriod(@ForAll Kind kind) {
        net.jqwik.api.Assume.that(kind.periodMs() > 0);
        LimitPolicy policy = kind.policy(40);
        Map<RuleKey, LimitState> states = new HashMap<>();
        long boundary = Math.floorDiv(T0, kind.periodMs()) * kind.periodMs() + kind.periodMs();
        Decision.Admit call = admit(policy, states, "c", boundary - 1000);

        long untracked = answer(policy, states, call, "c", boundary - 1000, boundary - 500, 40 - 35 - 1, boundary + 100);

        assertThat(untracked).isZero();
        int admitted = 0;
        while (LIMITER.decide(policy, ACME, Calls.get("more" + admitted, "/v1/deals"), states::get, boundary + 200, boundary + 200)
                instanceof Decision.Admit admit) {
            states.putAll(admit.updates());
            admitted++;
        }
        assertThat(admitted).as("the new period's whole allowance").isEqualTo(40);
    }

    private static LimitPolicy policy(int limit) {
        return Kind.SLIDING.policy(limit);
    }
}
