package io.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Amount;
import io.tollgate.avro.policy.Concurrency;
import io.tollgate.avro.policy.CostEntry;
import io.tollgate.avro.policy.DailyQuota;
import io.tollgate.avro.policy.Feedback;
import io.tollgate.avro.policy.FixedWindow;
import io.tollgate.avro.policy.PathAlias;
import io.tollgate.avro.policy.PlanBudget;
import io.tollgate.avro.policy.Policy;
import io.tollgate.avro.policy.Rule;
import io.tollgate.avro.policy.SlidingWindow;
import io.tollgate.avro.policy.TokenBucket;
import io.tollgate.intake.Hostile;
import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.Call;
import io.tollgate.limiter.CallOutcome;
import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.Decision;
import io.tollgate.limiter.DispatchOutcome;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.RuleCharge;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.limit.Limit;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.rule.LimitPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The policy boundary: any policy and account record a topic can hold is either refused with a
 * {@link PolicyException} that names the field, or compiles into a policy the engine can decide with
 * and take results for, whatever the calls, without an exception or an overflow.
 */
class PolicyProperties {

    private static final LimiterSettings SETTINGS = new LimiterSettings(100, 2000, 600_000);
    private static final long NOW = 1_790_000_000_000L;
    private static final Policy BASE = PolicyFile.load("classpath:presets/all.yaml", SETTINGS).policies().stream()
            .filter(p -> p.getId().equals("pipedrive")).findFirst().orElseThrow();

    private static final List<String> HEADER_LIMITS = List.of("1", "0", "-3", "7", "1e400", "NaN", "9".repeat(80), "abc", "100000000000000");

    @Property(tries = 500)
    void shouldRefuseOrCompileIntoAPolicyThatDecidesAnyCall(@ForAll("policyChanges") List<Consumer<Policy>> policyChanges,
                                                            @ForAll("accountChanges") List<Consumer<Account>> accountChanges,
                                                            @ForAll("costs") List<Integer> costs) {
        Policy record = Policy.newBuilder(BASE).build();
        policyChanges.forEach(c -> c.accept(record));
        Account account = Account.newBuilder().setId("acme").setPolicyId(record.getId()).setPlan("growth").setSeats(3).build();
        accountChanges.forEach(c -> c.accept(account));

        LimitPolicy policy;
        AccountFacts facts;
        try {
            policy = new PolicyCompiler(SETTINGS).compile(record, "policy");
            facts = AccountFactsMapper.toFacts(account);
        } catch (PolicyException refused) {
            assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(1000);
            Statistics.collect("refused");
            return;
        }
        Statistics.collect("compiled");
        Statistics.coverage(c -> {
            c.check("compiled").count(n -> n > 50);
            c.check("refused").count(n -> n > 50);
        });

        Limiter limiter = new Limiter(SETTINGS);
        Map<RuleKey, LimitState> states = new HashMap<>();
        long now = NOW;
        int n = 0;
        for (Integer cost : costs) {
            now += 137;
            Call call = new Call("c" + n++, "acme", "cred", n % 2 == 0 ? CredentialKind.API_TOKEN : CredentialKind.OAUTH, "u" + n % 3, "crm",
                    n % 3 == 0 ? "POST" : "GET", n % 2 == 0 ? (n % 4 == 0 ? "/api/v1/deals/search" : "/v1/deals/search") : "/api/v2/deals/" + n,
                    n % 2 == 0 ? "v1" : "v2",
                    n % 5 == 0 ? "webhook" : null, cost, 0, null);
            Decision d = limiter.decide(policy, facts, call, states::get, now, now);
            if (d instanceof Decision.Admit admit) {
                states.putAll(admit.updates());
                List<RuleCharge> charges = new ArrayList<>(admit.charges());
                CallOutcome outcome = CallOutcome.values()[n % CallOutcome.values().length];
                states.putAll(limiter.feedback(policy, facts, new DispatchOutcome(call.requestId(), "cred", outcome,
                        Map.of("retry-after", "1e300", "x-ratelimit-remaining", n % 4 == 0 ? "0" : "-5", "x-ratelimit-reset", "9e18",
                                "x-ratelimit-limit", HEADER_LIMITS.get(n % HEADER_LIMITS.size()), "x-daily-ratelimit-token-limit",
                                HEADER_LIMITS.get((n + 3) % HEADER_LIMITS.size()), "x-daily-ratelimit-token-remaining", "0"), charges, now, now + 10,
                        outcome == CallOutcome.STALE, outcome == CallOutcome.SUCCESS), states::get, now + 20).updates());
            }
        }
        // Long after the last call every counter behaves as none: the sweep deletes them all in the end.
        long later = now + 3 * Limit.MAX_SPAN_MS;
        assertThat(states).allSatisfy((key, state) -> assertThat(limiter.isIdle(policy, facts, key, state, later)).as(key.toString()).isTrue());
    }

    @Provide
    Arbitrary<List<Integer>> costs() {
        return Arbitraries.oneOf(Arbitraries.just((Integer) null), Arbitraries.integers().between(1, 1_000_000_000)).list().ofMaxSize(30);
    }

    @Provide
    Arbitrary<List<Consumer<Policy>>> policyChanges() {
        Arbitrary<Consumer<Policy>> change = Arbitraries.oneOf(
                Hostile.strings().map(v -> p -> p.setId(v)),
                Hostile.longs().map(v -> p -> p.setMaxWaitMs(v)),
                Hostile.ints().map(v -> p -> p.setDefaultCost(v)),
                Arbitraries.maps(Hostile.strings(), Hostile.ints()).ofMaxSize(3).map(v -> p -> p.setVersionDefaultCosts(new LinkedHashMap<>(v))),
                Arbitraries.integers().between(0, 50).flatMap(i -> Hostile.ints().map(v -> p -> entry(p, i).setCost(v))),
                Arbitraries.integers().between(0, 50).flatMap(i -> Hostile.strings().map(v -> p -> entry(p, i).setPath(v))),
                Arbitraries.integers().between(0, 50).flatMap(i -> Hostile.strings().map(v -> p -> entry(p, i).setMethod(v))),
                Arbitraries.integers().between(0, 9).flatMap(i -> Hostile.strings().map(v -> p -> rule(p, i).setId(v))),
                Arbitraries.integers().between(0, 9).flatMap(i -> limit().map(v -> p -> rule(p, i).setLimit(v))),
                Arbitraries.integers().between(0, 9).flatMap(i -> Hostile.longs().map(v -> p -> rule(p, i).setMaxWaitMs(v))),
                Arbitraries.integers().between(0, 9).flatMap(i -> Hostile.strings().map(v -> p -> rule(p, i).getMatch().setPaths(List.of(v)))),
                Arbitraries.integers().between(0, 9).flatMap(i -> Hostile.strings().map(v -> p -> rule(p, i).getMatch().setMethods(List.of(v)))),
                Arbitraries.integers().between(0, 9).flatMap(i -> Hostile.strings().map(v -> p -> rule(p, i).setFeedback(
                        new Feedback("x-ratelimit-remaining", null, v)))),
                Hostile.strings().flatMap(prefix -> Arbitraries.oneOf(Hostile.strings(), Arbitraries.of("/v1/", "/api/v1/", "/")).map(sameAs ->
                        p -> p.setPathAliases(List.of(new PathAlias(prefix, sameAs))))),
                Arbitraries.of("/api/v1/", "/v1/", "/a/b/").flatMap(prefix -> Arbitraries.of("/v1/", "/api/v2/", "/x/").map(sameAs ->
                        p -> p.setPathAliases(List.of(new PathAlias(prefix, sameAs))))),
                Arbitraries.just(p -> p.setRules(new ArrayList<>())));
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.of())), Tuple.of(3, change.list().ofMinSize(1).ofMaxSize(3)));
    }

    @Provide
    Arbitrary<List<Consumer<Account>>> accountChanges() {
        Arbitrary<Consumer<Account>> change = Arbitraries.oneOf(
                Hostile.strings().map(v -> a -> a.setId(v)),
                Hostile.strings().map(v -> a -> a.setPlan(v)),
                Hostile.ints().map(v -> a -> a.setSeats(v)),
                Hostile.longs().map(v -> a -> a.setExtraUnits(v)),
                Hostile.strings().map(v -> a -> a.setTimeZone(v)),
                Arbitraries.just(a -> a.setTimeZone(null)),
                Arbitraries.maps(Hostile.strings(), Hostile.ints()).ofMaxSize(3).map(v -> a -> a.setIntegrationWeights(new LinkedHashMap<>(v))));
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(List.of())), Tuple.of(1, change.list().ofMinSize(1).ofMaxSize(2)));
    }

    private static Arbitrary<Object> limit() {
        Arbitrary<Amount> amount = Arbitraries.oneOf(
                Hostile.longs().map(v -> Amount.newBuilder().setFixed(v).build()),
                Arbitraries.maps(Arbitraries.of("growth", "lite", ""), Hostile.longs()).ofMaxSize(2)
                        .map(v -> Amount.newBuilder().setByPlan(new LinkedHashMap<>(v)).build()),
                Arbitraries.maps(Arbitraries.of("growth", "lite"), Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, 1e300, -1.0, 0.0, 1.5, 1e-300))
                        .ofMaxSize(2).flatMap(m -> Hostile.longs().map(base -> Amount.newBuilder()
                                .setPlanBudget(PlanBudget.newBuilder().setBase(base).setPlanMultipliers(new LinkedHashMap<>(m)).build()).build())));
        return Arbitraries.oneOf(
                amount.flatMap(a -> Hostile.longs().map(w -> (Object) new SlidingWindow(a, w))),
                amount.flatMap(a -> Hostile.longs().map(w -> (Object) new FixedWindow(a, w))),
                amount.flatMap(a -> Hostile.longs().flatMap(u -> Hostile.longs().map(w -> (Object) new TokenBucket(a, u, w)))),
                amount.flatMap(a -> Arbitraries.oneOf(Hostile.strings(), Arbitraries.of("account", "UTC"))
                        .map(z -> (Object) DailyQuota.newBuilder().setAmount(a).setZone(z).build())),
                amount.flatMap(a -> Hostile.longs().map(l -> (Object) new Concurrency(a, l))));
    }

    private static CostEntry entry(Policy p, int i) {
        return p.getCostTable().get(i % p.getCostTable().size());
    }

    /** Rule {@code i} (modulo their number); a detached copy when an earlier change removed them all. */
    private static Rule rule(Policy p, int i) {
        return p.getRules().isEmpty() ? Rule.newBuilder(BASE.getRules().get(0)).build() : p.getRules().get(i % p.getRules().size());
    }
}
