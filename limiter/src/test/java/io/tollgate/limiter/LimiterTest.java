package io.tollgate.limiter;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.limit.CredentialState;
import io.tollgate.limiter.limit.DailyQuotaLimit;
import io.tollgate.limiter.limit.Leases;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.QuotaCount;
import io.tollgate.limiter.limit.WindowLog;
import io.tollgate.limiter.rule.CostTable;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import io.tollgate.limiter.rule.PathTemplate;
import io.tollgate.limiter.rule.RequestMatcher;
import io.tollgate.limiter.rule.SubjectScope;
import io.tollgate.limiter.rule.VendorHeaders;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LimiterTest {

    private static final long T0 = 1_790_000_000_000L;
    private static final AccountFacts ACME = AccountFacts.of("acme", "growth", 2, ZoneOffset.UTC);

    // No results in these tests: a window reuses its capacity without waiting for them (result wait 0).
    private final Limiter limiter = new Limiter(new LimiterSettings(0, 2000, 600_000, 0));
    private final Map<RuleKey, LimitState> states = new HashMap<>();

    private static LimitRule window(String id, SubjectScope scope, long limit, long windowMs) {
        return Rules.sliding(id).limit(limit).per(ofMillis(windowMs)).by(scope);
    }

    private static LimitPolicy policy(LimitRule... rules) {
        return new LimitPolicy("p", List.of(rules), List.of(), CostTable.EMPTY, 3_600_000);
    }

    private Decision decide(LimitPolicy policy, Call call, long now) {
        Decision d = limiter.decide(policy, ACME, call, states::get, now, now);
        if (d instanceof Decision.Admit admit) {
            states.putAll(admit.updates());
        }
        return d;
    }

    @Test
    void shouldNameTheBindingRuleAndTheTimeEveryRuleAdmits() {
        LimitPolicy policy = policy(window("per-second", SubjectScope.CREDENTIAL, 2, 1000), window("per-minute", SubjectScope.ACCOUNT, 3, 60_000));

        assertThat(decide(policy, Calls.get("a", "/x"), T0)).isInstanceOf(Decision.Admit.class);
        assertThat(decide(policy, Calls.get("b", "/x"), T0)).isInstanceOf(Decision.Admit.class);
        assertThat(decide(policy, Calls.get("c", "/x"), T0)).isEqualTo(new Decision.Delay(T0 + 1000, "per-second",
                "rule per-second (2 per 1000 ms (sliding)) is spent for credential:cred-1", 3_600_000));
        assertThat(decide(policy, Calls.get("c", "/x"), T0 + 1000)).isInstanceOf(Decision.Admit.class);
        assertThat(decide(policy, Calls.get("d", "/x"), T0 + 1000)).isInstanceOfSatisfying(Decision.Delay.class,
                d -> assertThat(d.bindingRule()).isEqualTo("per-minute"));
    }

    @Test
    void shouldChargeNothingWhenOneRuleRefuses() {
        LimitPolicy policy = policy(window("tight", SubjectScope.CREDENTIAL, 1, 1000), window("loose", SubjectScope.ACCOUNT, 2, 60_000));
        decide(policy, Calls.get("a", "/x"), T0);

        Decision refused = decide(policy, Calls.get("b", "/x"), T0 + 10);

        assertThat(refused).isInstanceOfSatisfying(Decision.Delay.class, d -> assertThat(d.bindingRule()).isEqualTo("tight"));
        // Had the refused call been charged to the account-wide rule, its second and last unit would be gone.
        Call otherCredential = new Call("c", "acme", "cred-2", CredentialKind.API_TOKEN, "u", "crm", "GET", "/x", "v1", null, null, 0, null);
        assertThat(decide(policy, otherCredential, T0 + 20)).isInstanceOf(Decision.Admit.class);
        assertThat(((WindowLog) states.get(new RuleKey("loose", "account:acme"))).total()).isEqualTo(2);
    }

    @Test
    void shouldReportShadowRuleViolationsWithoutHoldingCallsBack() {
        LimitRule shadow = Rules.sliding("new-limit").limit(1).per(ofSeconds(1)).shadow().byAccount();
        LimitPolicy policy = policy(window("burst", SubjectScope.CREDENTIAL, 10, 1000), shadow);

        Decision first = decide(policy, Calls.get("a", "/x"), T0);
        Decision second = decide(policy, Calls.get("b", "/x"), T0);

        assertThat(first).isInstanceOfSatisfying(Decision.Admit.class, a -> {
            assertThat(a.shadowViolations()).isEmpty();
            assertThat(a.charges()).extracting(RuleCharge::ruleId, RuleCharge::shadow)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("burst", false), org.assertj.core.groups.Tuple.tuple("new-limit", true));
        });
        assertThat(second).isInstanceOfSatisfying(Decision.Admit.class, a -> assertThat(a.shadowViolations()).containsExactly("new-limit"));
    }

    @Test
    void shouldDispatchExemptCallsWithoutCharging() {
        LimitPolicy policy = new LimitPolicy("p", List.of(window("burst", SubjectScope.CREDENTIAL, 1, 1000)),
                List.of(new RequestMatcher(Set.of(), List.of(), Set.of(), Set.of(), Set.of("webhook"))), CostTable.EMPTY, 3_600_000);
        decide(policy, Calls.get("a", "/x"), T0);

        Decision webhook = decide(policy, Calls.withCategory(Calls.get("w", "/hook"), "webhook"), T0);

        assertThat(webhook).isEqualTo(new Decision.Admit(List.of(), Map.of(), List.of(), true));
    }

    @Test
    void shouldChargeTokensFromTheCostTableAndSkipZeroCostCalls() {
        LimitRule budget = Rules.dailyQuota("budget").limit(30).countingTokens().byAccount();
        CostTable costs = new CostTable(List.of(new CostTable.Entry("v1", "GET", PathTemplate.parse("/v1/deals"), 20),
                new CostTable.Entry(null, "POST", PathTemplate.parse("/oauth/**"), 0)), Map.of(), 5);
        LimitPolicy policy = new LimitPolicy("p", List.of(budget), List.of(), costs, 3_600_000);

        assertThat(decide(policy, Calls.get("list", "/v1/deals"), T0)).isInstanceOfSatisfying(Decision.Admit.class,
                a -> assertThat(a.charges().get(0).remaining()).isEqualTo(10));
        assertThat(decide(policy, Calls.of("oauth", "POST", "/oauth/token", "v1"), T0)).isInstanceOfSatisfying(Decision.Admit.class,
                a -> assertThat(a.charges()).isEmpty());
        assertThat(decide(policy, Calls.withCost(Calls.get("explicit", "/v1/deals"), 10), T0)).isInstanceOf(Decision.Admit.class);
        assertThat(decide(policy, Calls.get("over", "/v1/other"), T0)).isInstanceOfSatisfying(Decision.Reject.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WAIT_EXCEEDS_MAX);
            assertThat(r.couldGoAtMs()).isEqualTo(DailyQuotaLimit.startOf(DailyQuotaLimit.day(T0, ZoneOffset.UTC) + 1, ZoneOffset.UTC));
        });
        assertThat(decide(policy, Calls.withCost(Calls.get("huge", "/v1/deals"), 31), T0)).isInstanceOfSatisfying(Decision.Reject.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.COST_EXCEEDS_LIMIT));
    }

    @Test
    void shouldRejectWhenTheCallCannotGoBeforeItsDeadline() {
        LimitPolicy policy = policy(window("burst", SubjectScope.CREDENTIAL, 1, 2000));
        decide(policy, Calls.get("a", "/x"), T0);

        Decision late = decide(policy, Calls.withDeadline(Calls.get("b", "/x"), T0 + 500), T0 + 100);
        Decision passed = decide(policy, Calls.withDeadline(Calls.get("c", "/x"), T0 + 50), T0 + 100);

        assertThat(late).isInstanceOfSatisfying(Decision.Reject.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.DEADLINE_UNREACHABLE);
            assertThat(r.couldGoAtMs()).isEqualTo(T0 + 2000);
            assertThat(r.ruleId()).isEqualTo("burst");
        });
        assertThat(passed).isInstanceOfSatisfying(Decision.Reject.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.DEADLINE_PASSED));
    }

    @Test
    void shouldRejectAccountWhosePlanThePolicyDoesNotKnow() {
        LimitRule byPlan = Rules.sliding("burst").limitByPlan(Map.of("lite", 20L)).per(ofSeconds(2)).byCredential();

        Decision d = limiter.decide(policy(byPlan), ACME, Calls.get("a", "/x"), states::get, T0, T0);

        assertThat(d).isInstanceOfSatisfying(Decision.Reject.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.INVALID_ACCOUNT);
            assertThat(r.detail()).contains("plan 'growth'").contains("[lite]");
        });
    }

    @Test
    void shouldPauseCredentialUntilVendorResetAfter429AndRequeue() {
        LimitRule burst = Rules.sliding("burst").limit(20).per(ofSeconds(2))
                .vendorHeaders(new VendorHeaders("x-ratelimit-remaining", "x-ratelimit-reset")).byCredential();
        LimitPolicy policy = policy(burst);
        Decision.Admit admit = (Decision.Admit) decide(policy, Calls.get("a", "/x"), T0);

        FeedbackEffect effect = limiter.feedback(policy, ACME, new DispatchOutcome("a", "cred-1", CallOutcome.RATE_LIMITED,
                Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "2"), admit.charges()), states::get, T0 + 300);
        states.putAll(effect.updates());

        assertThat(effect.requeue()).isTrue();
        assertThat(effect.pausedUntilMs()).isEqualTo(T0 + 2300);
        assertThat(states.get(RuleKey.credentialOf("cred-1"))).isEqualTo(CredentialState.paused(T0 + 2300, "429 from the vendor"));
        // The vendor had 19 fewer than Tollgate believed: adopted until its reset.
        assertThat(((WindowLog) states.get(new RuleKey("burst", "credential:cred-1"))).total()).isEqualTo(20);
        assertThat(decide(policy, Calls.get("b", "/x"), T0 + 400)).isInstanceOfSatisfying(Decision.Delay.class, d -> {
            assertThat(d.bindingRule()).isEqualTo(Limiter.VENDOR_PAUSE);
            assertThat(d.notBeforeMs()).isEqualTo(T0 + 2300);
        });
        assertThat(decide(policy, Calls.withCredential(Calls.get("c", "/x"), "cred-2"), T0 + 400)).isInstanceOf(Decision.Admit.class);
    }

    @Test
    void shouldHonourRetryAfterAsSecondsOrHttpDate() {
        assertThat(Limiter.retryAfterMs(Map.of("retry-after", "7"), T0)).contains(7000L);
        assertThat(Limiter.retryAfterMs(Map.of("retry-after", "Wed, 21 Oct 2026 07:28:00 GMT"), 1792567670000L)).contains(10_000L);
        assertThat(Limiter.retryAfterMs(Map.of("retry-after", "soon"), T0)).isEmpty();
    }

    @Test
    void shouldStopCredentialWhenVendorBlocksIt() {
        LimitPolicy policy = policy(window("burst", SubjectScope.CREDENTIAL, 20, 2000));
        Decision.Admit admit = (Decision.Admit) decide(policy, Calls.get("a", "/x"), T0);

        FeedbackEffect effect = limiter.feedback(policy, ACME, new DispatchOutcome("a", "cred-1", CallOutcome.BLOCKED, Map.of(),
                admit.charges()), states::get, T0 + 100);

        assertThat(effect.blocked()).isTrue();
        assertThat(effect.requeue()).isTrue();
        assertThat(effect.pausedUntilMs()).isEqualTo(T0 + 100 + 600_000);
    }

    @Test
    void shouldReleasePermitOnResultAndAdoptDailyCountsFromHeaders() {
        LimitRule concurrency = Rules.concurrency("conc").limit(1).per(ofMinutes(1)).byAccount();
        LimitRule daily = Rules.dailyQuota("writes").limit(10_000).vendorHeaders(new VendorHeaders("x-daily-requests-left", null)).byUser();
        LimitPolicy policy = policy(concurrency, daily);
        Decision.Admit admit = (Decision.Admit) decide(policy, Calls.get("a", "/x"), T0);
        assertThat(decide(policy, Calls.get("b", "/x"), T0)).isInstanceOf(Decision.Delay.class);

        FeedbackEffect effect = limiter.feedback(policy, ACME, new DispatchOutcome("a", "cred-1", CallOutcome.SUCCESS,
                Map.of("x-daily-requests-left", "9000"), admit.charges()), states::get, T0 + 50);
        states.putAll(effect.updates());

        assertThat(effect.requeue()).isFalse();
        assertThat(states.get(new RuleKey("conc", "account:acme"))).isEqualTo(Leases.NONE);
        assertThat(((QuotaCount) states.get(new RuleKey("writes", "user:user-1"))).used()).isEqualTo(1000);
        assertThat(decide(policy, Calls.get("b", "/x"), T0 + 60)).isInstanceOf(Decision.Admit.class);
    }

    @Test
    void shouldCountACallWhereTheVendorMayHaveSeenItWhenItArrivedLate() {
        Limiter jittery = new Limiter(new LimiterSettings(100, 2000, 600_000, 0));
        LimitPolicy policy = policy(window("burst", SubjectScope.CREDENTIAL, 2, 2000));
        Decision.Admit a = (Decision.Admit) jittery.decide(policy, ACME, Calls.get("a", "/x"), states::get, T0, T0);
        states.putAll(a.updates());
        Decision.Admit b = (Decision.Admit) jittery.decide(policy, ACME, Calls.get("b", "/x"), states::get, T0, T0);
        states.putAll(b.updates());

        for (Decision.Admit admitted : java.util.List.of(a, b)) {
            FeedbackEffect effect = jittery.feedback(policy, ACME, new DispatchOutcome("x", "cred-1", CallOutcome.SUCCESS, Map.of(),
                    admitted.charges(), T0, T0 + 400L, false, true), states::get, T0 + 500);
            states.putAll(effect.updates());
        }

        Decision next = jittery.decide(policy, ACME, Calls.get("c", "/x"), states::get, T0 + 2100, T0 + 2100);
        assertThat(next).isInstanceOfSatisfying(Decision.Delay.class,
                d -> assertThat(d.notBeforeMs()).isEqualTo(T0 + 400 - 100 + 2100));
    }

    @Test
    void shouldFreeAnAnsweredCallOneWindowAfterItsAnswerAndTheClockTolerance() {
        Limiter tolerant = new Limiter(new LimiterSettings(100, 2000, 600_000, 0, 0, 10));
        LimitPolicy policy = policy(window("burst", SubjectScope.CREDENTIAL, 1, 2000));
        Decision.Admit a = (Decision.Admit) tolerant.decide(policy, ACME, Calls.get("a", "/x"), states::get, T0, T0);
        states.putAll(a.updates());
        FeedbackEffect effect = tolerant.feedback(policy, ACME, new DispatchOutcome("a", "cred-1", CallOutcome.SUCCESS, Map.of(),
                a.charges(), T0, T0 + 30L, false, true), states::get, T0 + 40);
        states.putAll(effect.updates());

        assertThat(effect.freedCapacity()).as("the window frees the call 60 ms sooner than its slot's end allowed for").isTrue();
        Decision next = tolerant.decide(policy, ACME, Calls.get("b", "/x"), states::get, T0 + 100, T0 + 100);
        assertThat(next).isInstanceOfSatisfying(Decision.Delay.class,
                d -> assertThat(d.notBeforeMs()).isEqualTo(T0 + 30 + 10 + 2000));
    }
}
