package io.tollgate.limiter;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Calls sent ahead of their concurrency permits: only when nothing but what tolerates a late send counts them,
 * never more than the prefetch allows, each with the permits and the slot the dispatcher needs.
 */
class ConcurrencyPrefetchTest {

    private static final long T0 = 1_790_000_000_000L;
    private static final AccountFacts ACME = AccountFacts.of("acme", "growth", 2, ZoneOffset.UTC);
    private static final long JITTER = 100;

    private final Limiter limiter = new Limiter(new LimiterSettings(JITTER, 2000, 600_000, 0, 2));
    private final Map<RuleKey, LimitState> states = new HashMap<>();

    private final LimitRule permits = Rules.concurrency("connections").limit(3).per(ofSeconds(60)).byAccount();
    private final LimitRule daily = Rules.dailyQuota("daily").limit(1000).byAccount();

    @Test
    void shouldSendAheadUpToThePrefetchWithThePermitsAndASlotOpenForAQuarterOfTheLease() {
        LimitPolicy policy = Rules.policy(daily, permits);
        List<Decision.Admit> admitted = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            admitted.add((Decision.Admit) decide(policy, Calls.get("c" + i, "/x"), T0));
        }
        assertThat(decide(policy, Calls.get("c9", "/x"), T0)).as("3 permits, 2 calls ahead of each: 9 out")
                .isInstanceOf(Decision.Delay.class);

        DispatcherPermits last = admitted.get(8).permits();
        assertThat(last.permits()).singleElement().satisfies(p -> {
            assertThat(p.ruleId()).isEqualTo("connections");
            assertThat(p.limit()).as("the vendor's limit, not what is sent ahead").isEqualTo(3);
            assertThat(p.leaseMs()).isEqualTo(60_000);
            assertThat(p.held()).extracting(l -> l.requestId()).containsExactly("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7");
        });
        assertThat(last.latestSendMs()).as("a quarter of the lease, before the daily reset").isEqualTo(T0 + 15_000);
    }

    @Test
    void shouldNotSendAheadACallAWindowCountsNorLetItWaitBeyondTheJitter() {
        LimitPolicy policy = Rules.policy(permits, Rules.sliding("burst").limit(100).per(ofSeconds(2)).byAccount());
        for (int i = 0; i < 3; i++) {
            Decision.Admit admit = (Decision.Admit) decide(policy, Calls.get("c" + i, "/x"), T0);
            assertThat(admit.permits().latestSendMs()).isEqualTo(T0 + JITTER);
        }
        assertThat(decide(policy, Calls.get("c3", "/x"), T0)).isInstanceOf(Decision.Delay.class);
    }

    @Test
    void shouldNeverLetACallSentAheadGoAfterTheDailyReset() {
        long beforeMidnight = java.time.LocalDate.of(2026, 11, 30).atTime(23, 59, 50).toInstant(ZoneOffset.UTC).toEpochMilli();
        long midnight = java.time.LocalDate.of(2026, 12, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        Decision.Admit admit = (Decision.Admit) decide(Rules.policy(daily, permits), Calls.get("late", "/x"), beforeMidnight);
        assertThat(admit.permits().latestSendMs()).isEqualTo(midnight - 1);
    }

    @Test
    void shouldNeverLetACallSentAheadGoAfterItsDeadline() {
        Call withDeadline = new Call("d", "acme", "cred-1", CredentialKind.API_TOKEN, "user-1", "crm", "GET", "/x", "v1", null, null, 0,
                T0 + 5_000);
        Decision.Admit admit = (Decision.Admit) decide(Rules.policy(daily, permits), withDeadline, T0);
        assertThat(admit.permits().latestSendMs()).isEqualTo(T0 + 5_000);
    }

    @Test
    void shouldWakeTheQueueWhenAnyCallSentAheadComesBack() {
        LimitPolicy policy = Rules.policy(daily, permits);
        List<Decision.Admit> admitted = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            admitted.add((Decision.Admit) decide(policy, Calls.get("c" + i, "/x"), T0));
        }
        FeedbackEffect effect = limiter.feedback(policy, ACME, new DispatchOutcome("c0", "cred-1", CallOutcome.SUCCESS, Map.of(),
                admitted.get(0).charges()), states::get, T0 + 400);
        assertThat(effect.freedCapacity()).as("8 in flight of the 9 the limiter lets out: the next may go").isTrue();
    }

    @Test
    void shouldKeepEveryPermitToTheLimiterWithoutPrefetch() {
        Limiter plain = new Limiter(new LimiterSettings(JITTER, 2000, 600_000, 0));
        LimitPolicy policy = Rules.policy(daily, permits);
        for (int i = 0; i < 3; i++) {
            Decision d = plain.decide(policy, ACME, Calls.get("c" + i, "/x"), states::get, T0, T0);
            states.putAll(((Decision.Admit) d).updates());
            assertThat(((Decision.Admit) d).permits().latestSendMs()).isEqualTo(T0 + JITTER);
        }
        assertThat(plain.decide(policy, ACME, Calls.get("c3", "/x"), states::get, T0, T0)).isInstanceOf(Decision.Delay.class);
    }

    private Decision decide(LimitPolicy policy, Call call, long now) {
        Decision d = limiter.decide(policy, ACME, call, states::get, now, now);
        if (d instanceof Decision.Admit admit) {
            states.putAll(admit.updates());
        }
        return d;
    }
}
