package io.tollgate.bench;

import io.tollgate.limiter.Decision;
import io.tollgate.limiter.queue.AccountQueue;
import io.tollgate.limiter.queue.LaneScheduler;
import io.tollgate.limiter.queue.QueuedCall;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pure lane scheduler: one account with {@code lanes} lanes of 1,000 waiting calls each, woken with
 * room for {@code budget} calls (the judge admits that many, then holds every lane). The calls that left
 * arrive again at the tail of their lane, so every drain sees the same backlog. The score is drains per
 * second; multiply by the budget for calls scheduled per second. The engine is not in this figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class LaneSchedulerBench {

    @Param({"1", "8", "64"})
    public int lanes;

    @Param({"1", "16"})
    public int budget;

    private static final Decision ADMIT = new Decision.Admit(List.of(), Map.of(), List.of(), false);
    private static final Decision HOLD = new Decision.Delay(Long.MAX_VALUE, "burst", "held", 0);

    /** A waiting call: its lane and place. */
    record Waiting(String lane, long seq) implements QueuedCall<Waiting> {
        @Override
        public int priority() {
            return 0;
        }

        @Override
        public long grantedWaitMs() {
            return 0;
        }

        @Override
        public Waiting granted(long maxWaitMs) {
            return this;
        }
    }

    private final Map<String, TreeSet<Waiting>> calls = new HashMap<>();
    private final LaneScheduler.LaneCalls<Waiting> laneCalls = new LaneScheduler.LaneCalls<>() {
        @Override
        public Waiting head(AccountQueue.Lane lane) {
            return calls.get(lane.id()).first();
        }

        @Override
        public Waiting after(String laneId, Waiting call) {
            return calls.get(laneId).higher(call);
        }
    };
    private AccountQueue queue;
    private long seq;
    private long now;

    @Setup
    public void setUp() {
        queue = AccountQueue.EMPTY;
        for (int i = 0; i < 1000; i++) {
            for (int l = 0; l < lanes; l++) {
                arrive(new Waiting("crm\u001ftoken-" + l, seq++));
            }
        }
    }

    private void arrive(Waiting call) {
        calls.computeIfAbsent(call.lane(), l -> new TreeSet<>(Comparator.comparingLong(Waiting::seq))).add(call);
        queue = queue.withArrival(call.lane(), 0, call.seq(), 0);
    }

    @Benchmark
    public AccountQueue drain() {
        int[] room = {budget};
        LaneScheduler.Drain<Waiting> drain = LaneScheduler.drain(queue.unblocked(), false, ++now, laneCalls, lane -> 1,
                call -> room[0]-- > 0 ? ADMIT : HOLD);
        queue = drain.after();
        List<Waiting> left = new ArrayList<>();
        for (LaneScheduler.Step<Waiting> step : drain.steps()) {
            calls.get(step.lane()).remove(step.call());
            left.add(step.call());
        }
        left.forEach(call -> arrive(new Waiting(call.lane(), seq++)));
        return queue;
    }
}
