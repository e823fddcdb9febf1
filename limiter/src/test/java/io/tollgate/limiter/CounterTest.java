package io.tollgate.limiter;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.QuotaCount;
import io.tollgate.limiter.rule.CostTable;
import io.tollgate.limiter.rule.Enforcement;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the usage API shows of a counter: limit, use, whether it binds, when a daily budget runs out. */
class CounterTest {

    private static final long NOON = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();
    private static final AccountFacts ACME = AccountFacts.of("acme", null, 1, ZoneOffset.UTC);
    private final Limiter limiter = new Limiter(new LimiterSettings(0, 2000, 600_000, 0));

    private static LimitRule window(String id, Enforcement mode, long limit) {
        Rules.Builder rule = Rules.sliding(id).limit(limit).per(ofSeconds(2));
        return (mode == Enforcement.SHADOW ? rule.shadow() : rule).byCredential();
    }

    @Test
    void shouldShowAnEnforcedRuleAtItsLimitAsBindingAndAShadowRuleNever() {
        LimitPolicy policy = new LimitPolicy("p", List.of(window("enforced", Enforcement.ENFORCE, 2), window("watched", Enforcement.SHADOW, 1)),
                List.of(), CostTable.EMPTY, 3_600_000);
        Map<RuleKey, LimitState> states = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            Decision d = limiter.decide(policy, ACME, Calls.get("c" + i, "/x"), states::get, NOON, NOON);
            states.putAll(((Decision.Admit) d).updates());
        }

        Counter enforced = limiter.counter(policy, ACME, new RuleKey("enforced", "credential:cred-1"), states::get, NOON).orElseThrow();
        Counter watched = limiter.counter(policy, ACME, new RuleKey("watched", "credential:cred-1"), states::get, NOON).orElseThrow();

        assertThat(enforced.usage().used()).isEqualTo(2);
        assertThat(enforced.binding()).isTrue();
        assertThat(watched.binding()).as("a shadow rule never holds a call back").isFalse();
        assertThat(limiter.counter(policy, ACME, new RuleKey("gone", "credential:cred-1"), states::get, NOON)).isEmpty();
    }

    @Test
    void shouldProjectWhenADailyBudgetRunsOutAtTodaysRateOnlyWhenThatIsBeforeItsReset() {
        LimitRule budget = Rules.dailyQuota("budget").limit(100).byAccount();
        LimitPolicy policy = new LimitPolicy("p", List.of(budget), List.of(), CostTable.EMPTY, 3_600_000);
        long today = NOON / 86_400_000L;
        RuleKey key = new RuleKey("budget", "account:acme");

        // 60 by noon is 5 an hour: the other 40 last until 20:00, before midnight.
        Counter fast = limiter.counter(policy, ACME, key, k -> new QuotaCount(today, 60, 0), NOON).orElseThrow();
        // 40 by noon: the other 60 would last past midnight, when the budget resets anyway.
        Counter slow = limiter.counter(policy, ACME, key, k -> new QuotaCount(today, 40, 0), NOON).orElseThrow();

        assertThat(fast.runsOutAtMs()).isEqualTo(Instant.parse("2026-11-30T20:00:00Z").toEpochMilli());
        assertThat(slow.runsOutAtMs()).isNull();
    }
}
