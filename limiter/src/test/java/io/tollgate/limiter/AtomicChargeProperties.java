package io.tollgate.limiter;

import static java.time.Duration.ofHours;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.QuotaCount;
import io.tollgate.limiter.limit.WindowLog;
import io.tollgate.limiter.rule.CostTable;
import io.tollgate.limiter.rule.LimitAmount;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import io.tollgate.limiter.rule.RequestMatcher;
import io.tollgate.limiter.rule.SubjectScope;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Several rules with different keys and limits over random traffic: a call refused by any rule
 * changes no counter, and every counter holds exactly the units of the calls that were admitted
 * and matched it.
 */
class AtomicChargeProperties {

    private static final long T0 = 1_790_000_000_000L;
    private static final AccountFacts ACME = AccountFacts.of("acme", null, 1, ZoneOffset.UTC);

    record RuleSpec(SubjectScope scope, boolean quota, int limit, String onlyMethod) {
    }

    record Traffic(String credential, String user, String method, int cost, long gapMs) {
    }

    @Provide
    Arbitrary<List<RuleSpec>> rules() {
        return Combinators.combine(Arbitraries.of(SubjectScope.class), Arbitraries.of(true, false),
                        Arbitraries.integers().between(1, 12), Arbitraries.of("GET", "POST", "ANY"))
                .as(RuleSpec::new).list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<Traffic>> traffic() {
        return Combinators.combine(Arbitraries.of("c1", "c2", "c3"), Arbitraries.of("u1", "u2"),
                        Arbitraries.of("GET", "POST"), Arbitraries.integers().between(1, 4), Arbitraries.longs().between(0, 50))
                .as(Traffic::new).list().ofMaxSize(120);
    }

    @Property(tries = 300)
    void shouldChargeEveryMatchingRuleOrNone(@ForAll("rules") List<RuleSpec> specs, @ForAll("traffic") List<Traffic> traffic) {
        List<LimitRule> rules = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            RuleSpec s = specs.get(i);
            RequestMatcher match = s.onlyMethod().equals("ANY") ? RequestMatcher.ANY
                    : new RequestMatcher(Set.of(s.onlyMethod()), List.of(), Set.of(), Set.of(), Set.of());
            // Windows longer than the traffic, so nothing expires and counts can be compared exactly.
            Rules.Builder rule = (s.quota() ? Rules.dailyQuota("r" + i) : Rules.sliding("r" + i).per(ofHours(1)))
                    .limit(s.limit()).matching(match).maxWait(ofHours(24));
            rules.add((i % 2 == 0 ? rule.countingTokens() : rule).by(s.scope()));
        }
        LimitPolicy policy = new LimitPolicy("p", rules, List.of(), CostTable.EMPTY, 24L * 3_600_000);
        Limiter limiter = new Limiter(new LimiterSettings(0, 1000, 1000));
        Map<RuleKey, LimitState> states = new HashMap<>();
        Map<RuleKey, Long> expected = new HashMap<>();
        long now = T0;
        int n = 0;
        for (Traffic t : traffic) {
            now += t.gapMs();
            Call call = new Call("r" + n++, "acme", t.credential(), CredentialKind.API_TOKEN, t.user(), "crm", t.method(), "/x", "v1",
                    null, t.cost(), 0, null);
            Decision d = limiter.decide(policy, ACME, call, states::get, now, now);
            if (d instanceof Decision.Admit admit) {
                states.putAll(admit.updates());
                for (LimitRule r : rules) {
                    if (r.appliesTo(call)) {
                        expected.merge(new RuleKey(r.id(), r.scope().subjectOf(call)), policy.unitsFor(r, call), Long::sum);
                    }
                }
                assertThat(admit.updates().keySet()).containsExactlyInAnyOrderElementsOf(
                        rules.stream().filter(r -> r.appliesTo(call)).map(r -> new RuleKey(r.id(), r.scope().subjectOf(call))).distinct().toList());
            } else {
                // Refused for a reason: some enforced rule that matches has no room left for the call's units.
                assertThat(rules.stream().filter(r -> r.appliesTo(call)).anyMatch(r -> {
                    long counted = expected.getOrDefault(new RuleKey(r.id(), r.scope().subjectOf(call)), 0L);
                    return counted + policy.unitsFor(r, call) > ((LimitAmount.Fixed) r.amount()).value();
                })).as("call %s refused although every rule had room", call.requestId()).isTrue();
            }
        }
        expected.forEach((key, units) -> {
            LimitState s = states.get(key);
            long counted = s instanceof WindowLog log ? log.total() : ((QuotaCount) s).used();
            assertThat(counted).as(key.toString()).isEqualTo(units);
        });
    }
}
