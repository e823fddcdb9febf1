package io.tollgate.bench;

import static java.time.Duration.ofSeconds;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.Call;
import io.tollgate.limiter.CallOutcome;
import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.Decision;
import io.tollgate.limiter.DispatchOutcome;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.Rules;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
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
 * The engine per rule kind: one rule, 50 credentials, a call every millisecond, every call admitted (the
 * fast path), states decoded before and encoded after as in RocksDB. A sliding window keeps one entry per
 * call of its window (2 s: about 40 per credential here); a concurrency permit is leased for 1 s and never
 * released early, so about 20 leases per credential are held.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class RuleKindBench {

    /**
     * {@code slidingAnswered}: the sliding window with each call's result applied 20 ms after its slot, answered 5 ms
     * after it, as the processor applies results; the window's log then holds confirmed calls, and what leaves it
     * joins its trace. The other kinds see no results.
     */
    @Param({"sliding", "slidingAnswered", "fixed", "tokenBucket", "dailyQuota", "concurrency"})
    public String kind;

    private static final int RESULT_AFTER_CALLS = 20;
    private final Decision.Admit[] admitted = new Decision.Admit[RESULT_AFTER_CALLS];
    private final Call[] admittedCalls = new Call[RESULT_AFTER_CALLS];
    private final long[] admittedAt = new long[RESULT_AFTER_CALLS];

    private Limiter limiter;
    private LimitPolicy policy;
    private AccountFacts account;
    private Call[] calls;
    private Map<RuleKey, byte[]> store;
    private long now;
    private int next;

    @Setup
    public void setUp() {
        limiter = new Limiter(LimiterSettings.DEFAULTS);
        policy = Rules.policy(rule(kind));
        account = AccountFacts.of("acme", null, 1, ZoneOffset.UTC);
        calls = new Call[1000];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = new Call("r" + i, "acme", "token-" + (i % 50), CredentialKind.API_TOKEN, "user-" + (i % 20), "crm", "GET",
                    "/api/v2/deals/" + i, "v2", null, null, 0, null);
        }
        store = new HashMap<>();
        now = 1_790_000_000_000L;
    }

    static LimitRule rule(String kind) {
        return switch (kind) {
            case "sliding", "slidingAnswered" -> Rules.sliding("r").limit(1_000_000).per(ofSeconds(2)).byCredential();
            case "fixed" -> Rules.fixed("r").limit(1_000_000).per(ofSeconds(2)).byCredential();
            case "tokenBucket" -> Rules.tokenBucket("r").limit(1_000_000).refill(1_000_000).per(ofSeconds(1)).byCredential();
            case "dailyQuota" -> Rules.dailyQuota("r").limit(1_000_000_000).byCredential();
            case "concurrency" -> Rules.concurrency("r").limit(1_000_000).per(ofSeconds(1)).byCredential();
            default -> throw new IllegalArgumentException("no rule kind " + kind);
        };
    }

    @Benchmark
    public Object decideAndStore() {
        now += 1;
        Call call = calls[next++ % calls.length];
        Decision d = EngineStep.decideAndStore(limiter, policy, account, call, store, now);
        if (!(d instanceof Decision.Admit admit)) {
            throw new IllegalStateException("the fast path admits every call, got " + d);
        }
        if (kind.equals("slidingAnswered")) {
            int slot = next % RESULT_AFTER_CALLS;
            if (admitted[slot] != null) {
                Call earlier = admittedCalls[slot];
                EngineStep.feedbackAndStore(limiter, policy, account, new DispatchOutcome(earlier.requestId(), earlier.credential(),
                        CallOutcome.SUCCESS, Map.of(), admitted[slot].charges(), admittedAt[slot], admittedAt[slot] + 5, false, true), store, now);
            }
            admitted[slot] = admit;
            admittedCalls[slot] = call;
            admittedAt[slot] = now;
        }
        return d;
    }
}
