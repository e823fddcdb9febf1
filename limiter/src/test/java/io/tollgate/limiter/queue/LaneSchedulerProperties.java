package io.tollgate.limiter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.Decision;
import io.tollgate.limiter.RejectReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The lane scheduler against what it promises: no call overtakes an earlier one of its lane, lanes share
 * by weight, every lane is served in its turn, deadlines take a call out wherever it waits, and the index
 * it returns is the lanes as they are after its steps.
 */
class LaneSchedulerProperties {

    private static final long NOW = 1_000_000;

    /** A waiting call of the tests: its lane, place and granted wait. */
    record Call(String lane, int priority, long seq, long grantedWaitMs) implements QueuedCall<Call> {
        @Override
        public Call granted(long maxWaitMs) {
            return maxWaitMs <= grantedWaitMs ? this : new Call(lane, priority, seq, maxWaitMs);
        }
    }

    private static final Comparator<Call> LANE_ORDER = Comparator.comparingInt((Call c) -> -c.priority()).thenComparingLong(Call::seq);

    /** An account's lanes in memory, as the stores keep them: calls in lane order, and the index over them. */
    static final class Lanes implements LaneScheduler.LaneCalls<Call> {
        final Map<String, TreeSet<Call>> calls = new LinkedHashMap<>();
        AccountQueue index = AccountQueue.EMPTY;

        static Lanes of(List<Call> arrivals) {
            Lanes lanes = new Lanes();
            arrivals.forEach(lanes::arrive);
            return lanes;
        }

        void arrive(Call call) {
            calls.computeIfAbsent(call.lane(), l -> new TreeSet<>(LANE_ORDER)).add(call);
            index = index.withArrival(call.lane(), call.priority(), call.seq(), 0);
        }

        @Override
        public Call head(AccountQueue.Lane lane) {
            TreeSet<Call> lane0 = calls.get(lane.id());
            return lane0 == null || lane0.isEmpty() ? null : lane0.first();
        }

        @Override
        public Call after(String laneId, Call call) {
            return calls.get(laneId).higher(call);
        }

        /** Applies the steps as the topology does; @return the calls that left, in order. */
        List<Call> apply(List<LaneScheduler.Step<Call>> steps) {
            List<Call> left = new ArrayList<>();
            for (LaneScheduler.Step<Call> step : steps) {
                TreeSet<Call> lane = calls.get(step.lane());
                lane.remove(step.call());
                if (step instanceof LaneScheduler.Step.Regrant<Call>) {
                    lane.add(step.call());
                } else if (step instanceof LaneScheduler.Step.Held<Call> held) {
                    lane.add(held.call().granted(held.delay().maxWaitMs()));
                } else {
                    left.add(step.call());
                }
            }
            return left;
        }

        int waiting() {
            return calls.values().stream().mapToInt(TreeSet::size).sum();
        }
    }

    /** Admits {@code budget} calls, refuses or fails on some by their number, and holds the rest for a second. */
    static final class BudgetJudge implements LaneScheduler.Judge<Call> {
        final List<Call> asked = new ArrayList<>();
        int budget;
        final boolean refuseSome;

        BudgetJudge(int budget, boolean refuseSome) {
            this.budget = budget;
            this.refuseSome = refuseSome;
        }

        @Override
        public Decision decide(Call call) {
            asked.add(call);
            if (refuseSome && call.seq() % 11 == 3) {
                throw new IllegalStateException("cannot decide " + call);
            }
            if (refuseSome && call.seq() % 7 == 5) {
                return new Decision.Reject(RejectReason.WAIT_EXCEEDS_MAX, "refused", "daily", null);
            }
            if (budget <= 0) {
                return new Decision.Delay(NOW + 1000, "burst", "held", call.seq() % 3 * 60_000);
            }
            budget--;
            return new Decision.Admit(List.of(), Map.of(), List.of(), false);
        }
    }

    @Property(tries = 400)
    void shouldNeverLetACallOvertakeAnEarlierOneOfItsLane(@ForAll("arrivals") List<Call> arrivals, @ForAll @IntRange(max = 60) int budget,
                                                         @ForAll boolean refuseSome, @ForAll("weights") Map<String, Integer> weights,
                                                         @ForAll boolean force) {
        Lanes lanes = Lanes.of(arrivals);
        Map<String, List<Call>> order = new HashMap<>();
        lanes.calls.forEach((id, calls) -> order.put(id, new ArrayList<>(calls)));

        LaneScheduler.Drain<Call> drain = LaneScheduler.drain(lanes.index, force, NOW, lanes, lane -> weights.getOrDefault(lane, 1),
                new BudgetJudge(budget, refuseSome));
        List<Call> left = lanes.apply(drain.steps());

        Map<String, Integer> served = new HashMap<>();
        for (Call call : left) {
            int position = served.merge(call.lane(), 1, Integer::sum) - 1;
            assertThat(sameCall(order.get(call.lane()).get(position), call)).as("call %s left at position %d of its lane", call, position)
                    .isTrue();
        }
        assertIndexMatches(drain.after(), lanes);
        assertThat(lanes.waiting()).isEqualTo(arrivals.size() - left.size());
    }

    @Property(tries = 300)
    void shouldShareByWeightWhenEveryLaneHasCallsToSend(@ForAll("weights") Map<String, Integer> weights,
                                                       @ForAll @IntRange(min = 1, max = 200) int budget, @ForAll @IntRange(max = 3) int cursor) {
        List<Call> arrivals = new ArrayList<>();
        long seq = 0;
        for (String lane : List.of("a", "b", "c", "d")) {
            for (int i = 0; i < 250; i++) {
                arrivals.add(new Call(lane, 0, seq++, 0));
            }
        }
        Lanes lanes = Lanes.of(arrivals);
        AccountQueue start = new AccountQueue(lanes.index.lanes(), cursor, 0);

        LaneScheduler.Drain<Call> drain = LaneScheduler.drain(start, false, NOW, lanes, lane -> weights.getOrDefault(lane, 1),
                new BudgetJudge(budget, false));
        Map<String, Integer> sent = new HashMap<>();
        lanes.apply(drain.steps()).forEach(c -> sent.merge(c.lane(), 1, Integer::sum));

        assertThat(sent.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(budget);
        // Turns go round: every lane has had r full turns and none more than r + 1.
        int rounds = List.of("a", "b", "c", "d").stream().mapToInt(l -> sent.getOrDefault(l, 0) / weights.getOrDefault(l, 1)).min().orElseThrow();
        for (String lane : List.of("a", "b", "c", "d")) {
            assertThat(sent.getOrDefault(lane, 0)).as("lane %s, weight %d, after %d full rounds: %s", lane, weights.getOrDefault(lane, 1),
                    rounds, sent).isLessThanOrEqualTo((rounds + 1) * weights.getOrDefault(lane, 1));
        }
    }

    @Property(tries = 200)
    void shouldServeEveryLaneWhenOneCallGoesPerWakeUp(@ForAll @IntRange(min = 1, max = 8) int laneCount, @ForAll @IntRange(max = 7) int cursor) {
        List<Call> arrivals = new ArrayList<>();
        long seq = 0;
        for (int l = 0; l < laneCount; l++) {
            for (int i = 0; i < 3 * laneCount; i++) {
                arrivals.add(new Call("lane-" + l, 0, seq++, 0));
            }
        }
        Lanes lanes = Lanes.of(arrivals);
        AccountQueue queue = new AccountQueue(lanes.index.lanes(), cursor, 0);
        Set<String> served = new HashSet<>();

        // One call goes per wake-up (an account-wide budget that refills slowly), laneCount wake-ups.
        for (int wake = 0; wake < laneCount; wake++) {
            long now = NOW + wake * 1000L;
            LaneScheduler.Drain<Call> drain = LaneScheduler.drain(queue, false, now, lanes, lane -> 1, new BudgetJudge(1, false));
            lanes.apply(drain.steps()).forEach(c -> served.add(c.lane()));
            queue = unblockedAt(drain.after(), now + 1000);
        }

        assertThat(served).as("lanes served in %d wake-ups of one call each", laneCount).hasSize(laneCount);
    }

    @Property(tries = 300)
    void shouldNotAskAboutALaneThatIsBlockedUnlessForced(@ForAll("arrivals") List<Call> arrivals, @ForAll boolean force) {
        Lanes lanes = Lanes.of(arrivals);
        List<AccountQueue.Lane> blocked = new ArrayList<>();
        Set<String> blockedIds = new HashSet<>();
        for (AccountQueue.Lane lane : lanes.index.lanes()) {
            boolean block = lane.id().hashCode() % 2 == 0;
            blocked.add(block ? lane.blockedUntil(NOW + 5_000) : lane);
            if (block) {
                blockedIds.add(lane.id());
            }
        }
        BudgetJudge judge = new BudgetJudge(Integer.MAX_VALUE, false);

        LaneScheduler.drain(new AccountQueue(blocked, 0, 0), force, NOW, lanes, lane -> 2, judge);

        if (force) {
            assertThat(judge.asked).as("every call goes when every lane is looked at").hasSize(arrivals.size());
        } else {
            assertThat(judge.asked).noneMatch(c -> blockedIds.contains(c.lane()));
        }
    }

    @Property(tries = 400)
    void shouldTakeACallWhoseDeadlinePassedOutOfItsLaneWhereverItWaits(@ForAll("arrivals") List<Call> arrivals, @ForAll int pick) {
        if (arrivals.isEmpty()) {
            return;
        }
        Lanes lanes = Lanes.of(arrivals);
        Call expired = arrivals.get(Math.floorMod(pick, arrivals.size()));
        Call head = lanes.calls.get(expired.lane()).first();
        List<Call> rest = new ArrayList<>(lanes.calls.get(expired.lane()));
        rest.remove(expired);

        LaneScheduler.Removal<Call> removal = LaneScheduler.remove(lanes.index, expired.lane(), expired, lanes);
        lanes.calls.get(expired.lane()).remove(expired);
        lanes.apply(removal.steps());

        assertIndexMatches(removal.after(), lanes);
        assertThat(new ArrayList<>(lanes.calls.get(expired.lane()))).extracting(Call::seq).containsExactlyElementsOf(
                rest.stream().map(Call::seq).toList());
        if (sameCall(head, expired) && !rest.isEmpty()) {
            assertThat(lanes.calls.get(expired.lane()).first().grantedWaitMs()).as("the next head waited for the same reasons")
                    .isGreaterThanOrEqualTo(expired.grantedWaitMs());
            assertThat(removal.after().wakeAtMs()).as("a new head is looked at at once").isZero();
        }
    }

    @Property(tries = 100)
    void shouldRefuseAReturnedCallOnlyPastItsLimits(@ForAll boolean stale, @ForAll @IntRange(min = 1, max = 20) int attempt,
                                                   @ForAll @IntRange(max = 20) int staleReturns, @ForAll @IntRange(min = 1, max = 10) int maxAttempts,
                                                   @ForAll @IntRange(max = 10) int maxStale) {
        LaneScheduler.Return verdict = LaneScheduler.onReturn(stale, attempt, staleReturns, maxAttempts, maxStale);

        if (stale) {
            assertThat(verdict).isEqualTo(staleReturns > maxStale ? LaneScheduler.Return.TOO_MANY_STALE_RETURNS : LaneScheduler.Return.WAIT_AGAIN);
        } else {
            assertThat(verdict).isEqualTo(attempt > maxAttempts ? LaneScheduler.Return.TOO_MANY_ATTEMPTS : LaneScheduler.Return.WAIT_AGAIN);
        }
    }

    private static AccountQueue unblockedAt(AccountQueue queue, long nowMs) {
        return new AccountQueue(queue.lanes().stream().map(l -> l.blockedUntilMs() <= nowMs ? l.blockedUntil(0) : l).toList(),
                queue.cursor(), 0);
    }

    private static boolean sameCall(Call a, Call b) {
        return a.lane().equals(b.lane()) && a.priority() == b.priority() && a.seq() == b.seq();
    }

    /** The index lists exactly the lanes with calls, with their sizes and heads. */
    private static void assertIndexMatches(AccountQueue index, Lanes lanes) {
        Map<String, AccountQueue.Lane> byId = new HashMap<>();
        index.lanes().forEach(l -> byId.put(l.id(), l));
        lanes.calls.forEach((id, calls) -> {
            if (calls.isEmpty()) {
                assertThat(byId).as("an empty lane leaves the index").doesNotContainKey(id);
            } else {
                AccountQueue.Lane lane = byId.get(id);
                assertThat(lane).as("lane %s", id).isNotNull();
                assertThat(lane.size()).as("size of lane %s", id).isEqualTo(calls.size());
                assertThat(lane.headPriority() == calls.first().priority() && lane.headSeq() == calls.first().seq())
                        .as("head of lane %s: index %s, calls %s", id, lane, calls.first()).isTrue();
            }
        });
        assertThat(index.waiting()).isEqualTo(lanes.waiting());
    }

    @Provide
    Arbitrary<List<Call>> arrivals() {
        Arbitrary<Call> call = Combinators.combine(Arbitraries.of("a", "b", "c", "d", "e"), Arbitraries.integers().between(-2, 2),
                Arbitraries.longs().between(0, 10_000), Arbitraries.of(0L, 60_000L, 3_600_000L)).as(Call::new);
        // Sequences are unique per account, as offsets are.
        return call.list().ofMaxSize(60).uniqueElements(Call::seq);
    }

    @Provide
    Arbitrary<Map<String, Integer>> weights() {
        return Arbitraries.maps(Arbitraries.of("a", "b", "c", "d", "e"), Arbitraries.integers().between(1, 5)).ofMaxSize(5);
    }
}
