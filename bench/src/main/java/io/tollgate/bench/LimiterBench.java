package io.tollgate.bench;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.Call;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.policy.PolicyCompiler;
import io.tollgate.policy.PolicyFile;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine alone: one decision against the Pipedrive preset (burst, search, daily writes, token
 * budget), with the states it reads and writes encoded as they are in RocksDB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class LimiterBench {

    private Limiter limiter;
    private LimitPolicy policy;
    private AccountFacts account;
    private Call[] calls;
    private Map<RuleKey, byte[]> store;
    private long now;
    private int next;

    @Setup
    public void setUp() {
        LimiterSettings settings = LimiterSettings.DEFAULTS;
        limiter = new Limiter(settings);
        policy = new PolicyCompiler(settings).compile(
                PolicyFile.load("classpath:presets/pipedrive.yaml", settings).policies().get(0), null);
        account = AccountFacts.of("acme", "ultimate", 1000, ZoneId.of("UTC"));
        calls = new Call[1000];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = new Call("r" + i, "acme", "token-" + (i % 50), CredentialKind.API_TOKEN, "user-" + (i % 20), "crm",
                    i % 10 == 0 ? "POST" : "GET", i % 10 == 0 ? "/api/v2/deals" : "/api/v2/deals/" + i, "v2", null, null, 0, null);
        }
        store = new HashMap<>();
        now = 1_790_000_000_000L;
    }

    /** Decode the states, decide, encode what changed: what the processor does per call. */
    @Benchmark
    public Object decideAndStore() {
        now += 1;
        return EngineStep.decideAndStore(limiter, policy, account, calls[next++ % calls.length], store, now);
    }
}
