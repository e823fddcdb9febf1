package io.tollgate.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.limit.DailyQuotaLimit;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.ZoneSpec;
import io.tollgate.limiter.rule.CostBasis;
import io.tollgate.limiter.rule.Enforcement;
import io.tollgate.limiter.rule.LimitAmount;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import io.tollgate.limiter.rule.RequestMatcher;
import io.tollgate.limiter.rule.SubjectScope;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a wait granted by one rule excuses when another rule holds the call. */
class GrantedWaitTest {

    private static final ZoneId SYDNEY = ZoneId.of("Australia/Sydney");
    private static final AccountFacts FORMS = AccountFacts.of("forms-org", null, 1, SYDNEY);
    private static final Limiter LIMITER = new Limiter(LimiterSettings.DEFAULTS);

    /** A daily quota of 2 that waits at most five minutes, and 3 connections that wait as long as the policy (an hour). */
    private static final LimitPolicy POLICY = Rules.policy(
            new LimitRule("daily-calls", Enforcement.ENFORCE, SubjectScope.ACCOUNT, RequestMatcher.ANY, List.of(), CostBasis.CALLS,
                    new DailyQuotaLimit(new ZoneSpec.AccountZone(), DailyQuotaLimit.Reset.FIRST_REQUEST_AFTER_MIDNIGHT),
                    new LimitAmount.Fixed(2), Duration.ofMinutes(5).toMillis(), null),
            Rules.concurrency("concurrent-connections").limit(3).per(Duration.ofSeconds(60)).byAccount());

    /**
     * 40 minutes before the reset, a call over the quota that waited a moment for a connection (granted the
     * policy's hour) is refused by the daily rule's five minutes, as it is at any other time of day; it does not
     * wait until midnight.
     */
    @Test
    void shouldNotLetAWaitGrantedForAConnectionOutwaitTheDailyRulesMaximum() {
        long now = ZonedDateTime.of(2026, 12, 1, 23, 20, 0, 0, SYDNEY).toInstant().toEpochMilli();
        Map<RuleKey, LimitState> states = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            states.putAll(((Decision.Admit) LIMITER.decide(POLICY, FORMS, call("c" + i), states::get, now, now)).updates());
        }

        Decision third = LIMITER.decide(POLICY, FORMS, call("c2"), states::get, now + 2_000, now, Duration.ofHours(1).toMillis());

        assertThat(third).isInstanceOfSatisfying(Decision.Reject.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WAIT_EXCEEDS_MAX);
            assertThat(r.ruleId()).isEqualTo("daily-calls");
        });
    }

    /** A call parked for a daily reset it was allowed to wait for is still not refused by a shorter rule afterwards. */
    @Test
    void shouldStillExcuseTheWaitSoFarThatAnotherRuleAllowed() {
        long now = ZonedDateTime.of(2026, 12, 2, 0, 0, 5, 0, SYDNEY).toInstant().toEpochMilli();
        long parkedSince = now - Duration.ofHours(10).toMillis();

        Decision decision = LIMITER.decide(POLICY, FORMS, call("c0"), new HashMap<RuleKey, LimitState>()::get, now, parkedSince,
                Duration.ofHours(48).toMillis());

        assertThat(decision).isInstanceOf(Decision.Admit.class);
    }

    private static Call call(String id) {
        return new Call(id, "forms-org", "forms/forms-org", CredentialKind.API_TOKEN, null, "form-sync", "GET", "/api/datasources/" + id,
                null, null, null, 0, null);
    }
}
