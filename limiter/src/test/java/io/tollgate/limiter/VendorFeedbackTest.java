package io.tollgate.limiter;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.limit.CredentialState;
import io.tollgate.limiter.limit.LimitContext;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.QuotaCount;
import io.tollgate.limiter.rule.CostTable;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import io.tollgate.limiter.rule.PathTemplate;
import io.tollgate.limiter.rule.RequestMatcher;
import io.tollgate.limiter.rule.VendorHeaders;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** What the vendor's headers teach the engine: its own limits, a spent daily quota, and traffic Tollgate did not send. */
class VendorFeedbackTest {

    private static final long T0 = 1_795_000_000_000L; // 2026-11-18 11:06:40 UTC
    private static final long NEXT_UTC_MIDNIGHT = 1_795_046_400_000L;
    private static final AccountFacts ACME = AccountFacts.of("acme", "growth", 1, ZoneOffset.UTC);

    private static final LimitRule BURST = Rules.sliding("burst").limit(40).per(ofSeconds(2))
            .vendorHeaders(new VendorHeaders("x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-limit")).byCredential();
    private static final LimitRule SEARCH = Rules.sliding("search").limit(10).per(ofSeconds(2))
            .matching(new RequestMatcher(Set.of(), List.of(PathTemplate.parse("/v1/*/search")), Set.of(), Set.of(), Set.of()))
            .byCredential();
    private static final LimitRule BUDGET = Rules.dailyQuota("budget").limit(1000).countingTokens()
            .vendorHeaders(new VendorHeaders("x-daily-ratelimit-token-remaining", null, "x-daily-ratelimit-token-limit")).byAccount();
    private static final LimitPolicy POLICY = new LimitPolicy("p", List.of(BURST, SEARCH, BUDGET), List.of(),
            new CostTable(List.of(), Map.of(), 10), 3_600_000);

    private final Limiter limiter = new Limiter(new LimiterSettings(0, 2000, 600_000, 0));
    private final Map<RuleKey, LimitState> states = new HashMap<>();

    private Decision decide(Call call, long now) {
        Decision d = limiter.decide(POLICY, ACME, call, states::get, now, now);
        if (d instanceof Decision.Admit admit) {
            states.putAll(admit.updates());
        }
        return d;
    }

    private FeedbackEffect result(Decision.Admit admit, CallOutcome outcome, Map<String, String> headers, long now) {
        FeedbackEffect effect = limiter.feedback(POLICY, ACME, new DispatchOutcome("a", "cred-1", outcome, headers, admit.charges()),
                states::get, now);
        states.putAll(effect.updates());
        return effect;
    }

    private int burstAdmitted(long now) {
        int admitted = 0;
        while (admitted < 100 && decide(Calls.get("b" + now + "-" + admitted, "/v1/deals"), now) instanceof Decision.Admit) {
            admitted++;
        }
        return admitted;
    }

    @Test
    void shouldWaitForTheResetWhenA429ReportsTheDailyBudgetSpent() {
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);

        FeedbackEffect effect = result(admit, CallOutcome.RATE_LIMITED, Map.of("x-daily-ratelimit-token-remaining", "0",
                "x-ratelimit-remaining", "30", "x-ratelimit-reset", "1"), T0 + 100);

        assertThat(effect.spentQuota()).isEqualTo(new FeedbackEffect.SpentQuota("budget", NEXT_UTC_MIDNIGHT));
        assertThat(effect.requeue()).isTrue();
        assertThat(((QuotaCount) states.get(new RuleKey("budget", "account:acme"))).used()).isEqualTo(1000);
        // Its wait of 13 h is beyond the maximum of 1 h: refused with the time it could go, not retried.
        assertThat(decide(Calls.get("a", "/v1/deals"), T0 + 2000)).isInstanceOfSatisfying(Decision.Reject.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WAIT_EXCEEDS_MAX);
            assertThat(r.ruleId()).isEqualTo("budget");
            assertThat(r.couldGoAtMs()).isEqualTo(NEXT_UTC_MIDNIGHT);
        });
    }

    @Test
    void shouldTreatA429WithBudgetLeftAsABurst() {
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);

        FeedbackEffect effect = result(admit, CallOutcome.RATE_LIMITED, Map.of("x-daily-ratelimit-token-remaining", "500",
                "x-ratelimit-remaining", "0", "x-ratelimit-reset", "2"), T0 + 100);

        assertThat(effect.spentQuota()).isNull();
        assertThat(effect.pausedUntilMs()).isEqualTo(T0 + 2100);
    }

    @Test
    void shouldNotCallABudgetSpentOnASuccess() {
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);

        assertThat(result(admit, CallOutcome.SUCCESS, Map.of("x-daily-ratelimit-token-remaining", "0"), T0 + 100).spentQuota()).isNull();
    }

    @Test
    void shouldAdoptALowerVendorLimitForThatCredentialOnlyAndReportItOnce() {
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);

        FeedbackEffect first = result(admit, CallOutcome.SUCCESS, Map.of("x-ratelimit-limit", "20", "x-ratelimit-remaining", "19"), T0 + 50);
        FeedbackEffect again = result(admit, CallOutcome.SUCCESS, Map.of("x-ratelimit-limit", "20", "x-ratelimit-remaining", "19"), T0 + 60);

        assertThat(first.adoptedLimits()).containsExactly(new FeedbackEffect.AdoptedLimit("burst", "credential:cred-1", 40, 20));
        assertThat(again.adoptedLimits()).isEmpty();
        assertThat(again.updates()).doesNotContainKey(RuleKey.credentialOf("cred-1"));
        assertThat(((CredentialState) states.get(RuleKey.credentialOf("cred-1"))).vendorLimits()).containsExactly(Map.entry("burst", 20L));
        assertThat(burstAdmitted(T0 + 10_000)).isEqualTo(20);
        Call otherCredential = Calls.withCredential(Calls.get("o", "/v1/deals"), "cred-2");
        assertThat(decide(otherCredential, T0 + 10_000)).isInstanceOf(Decision.Admit.class);
    }

    @Test
    void shouldForgetTheVendorLimitOnceTheVendorReportsThePolicysAgain() {
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);
        result(admit, CallOutcome.SUCCESS, Map.of("x-ratelimit-limit", "20"), T0 + 50);

        FeedbackEffect upgraded = result(admit, CallOutcome.SUCCESS, Map.of("x-ratelimit-limit", "40"), T0 + 60);

        assertThat(upgraded.updates()).containsEntry(RuleKey.credentialOf("cred-1"), null);
        assertThat(states.get(RuleKey.credentialOf("cred-1"))).isNull();
        assertThat(burstAdmitted(T0 + 10_000)).isEqualTo(40);
    }

    @Test
    void shouldNotTakeASearchLimitForTheCredentialsBurstLimit() {
        // A search call counts against two windows; the vendor's x-ratelimit-limit of 10 is the search limit.
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("s", "/v1/deals/search"), T0);

        FeedbackEffect effect = result(admit, CallOutcome.RATE_LIMITED, Map.of("x-ratelimit-limit", "10", "x-ratelimit-remaining", "0"), T0 + 50);

        assertThat(effect.adoptedLimits()).isEmpty();
        assertThat(states.get(RuleKey.credentialOf("cred-1"))).isInstanceOfSatisfying(CredentialState.class,
                c -> assertThat(c.vendorLimits()).isEmpty());
    }

    @Test
    void shouldNotMistakeALimitSetTooHighForAllowanceSomeoneElseSpent() {
        // The policy says 1,000 tokens, the vendor 600. After one call of 10 the vendor has 590 left: Tollgate's own
        // count under the true limit, so nobody else spent anything. (A budget is not kept per credential: Tollgate's
        // count is raised to leave what the vendor says is left.)
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);

        FeedbackEffect effect = result(admit, CallOutcome.SUCCESS, Map.of("x-daily-ratelimit-token-limit", "600",
                "x-daily-ratelimit-token-remaining", "590"), T0 + 50);

        assertThat(effect.untrackedUnits()).isEmpty();
        assertThat(effect.adoptedLimits()).isEmpty();
        assertThat(((QuotaCount) states.get(new RuleKey("budget", "account:acme"))).used()).isEqualTo(410);
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            Call spread = Calls.withCredential(Calls.get("s" + i, "/v1/deals"), "cred-" + i);
            admitted += decide(spread, T0 + 100) instanceof Decision.Admit ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(59);
    }

    @Test
    void shouldCountSpendingElsewhereAfterTheGapOfALimitSetTooHighWasTakenUp() {
        Decision.Admit first = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);
        result(first, CallOutcome.SUCCESS, Map.of("x-daily-ratelimit-token-limit", "600", "x-daily-ratelimit-token-remaining", "590"), T0 + 50);
        // Then the users spend 100 in the UI: the next call leaves 480 by the vendor's count, not 580.
        Decision.Admit next = (Decision.Admit) decide(Calls.get("b", "/v1/deals"), T0 + 100);

        FeedbackEffect effect = result(next, CallOutcome.SUCCESS, Map.of("x-daily-ratelimit-token-limit", "600",
                "x-daily-ratelimit-token-remaining", "480"), T0 + 150);

        assertThat(effect.untrackedUnits()).containsEntry("budget", 100L);
        assertThat(((QuotaCount) states.get(new RuleKey("budget", "account:acme"))).used()).isEqualTo(520);
    }

    @Test
    void shouldCountAllowanceSpentByTrafficTollgateDidNotSend() {
        // Tollgate sent one call of 10 tokens: 990 left by its count. The vendor says 700: 290 went to the users' UI.
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);

        FeedbackEffect effect = result(admit, CallOutcome.SUCCESS, Map.of("x-daily-ratelimit-token-remaining", "700"), T0 + 50);

        assertThat(effect.untrackedUnits()).containsEntry("budget", 290L);
        QuotaCount budget = (QuotaCount) states.get(new RuleKey("budget", "account:acme"));
        assertThat(budget.used()).isEqualTo(300);
        assertThat(BUDGET.limit().usage(budget, 1000, new LimitContext(T0 + 60, 0, ACME)).untracked()).isEqualTo(290);
    }

    @Test
    void shouldCountSpendingElsewhereOnceHoweverManyCallsWereInFlightWhenItWasReported() {
        // Ten calls of 10 tokens go out together; the users spent 290 in the UI before they arrive. Every result
        // then shows the same 290 against the count its call was charged with: 290 is counted once, not ten times
        // (counted ten times, the budget would read spent and the account would stop for the day).
        List<Decision.Admit> inFlight = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            inFlight.add((Decision.Admit) decide(Calls.withCredential(Calls.get("a" + i, "/v1/deals"), "cred-" + i), T0));
        }
        long untracked = 0;
        for (int i = 0; i < 10; i++) {
            // The vendor counts 290 + the calls that reached it so far: 1000 - 290 - 10 * (i + 1) left.
            FeedbackEffect effect = result(inFlight.get(i), CallOutcome.SUCCESS,
                    Map.of("x-daily-ratelimit-token-remaining", "" + (1000 - 290 - 10 * (i + 1))), T0 + 50 + i);
            untracked += effect.untrackedUnits().getOrDefault("budget", 0L);
        }

        QuotaCount budget = (QuotaCount) states.get(new RuleKey("budget", "account:acme"));
        assertThat(untracked).isEqualTo(290);
        assertThat(budget.used()).isEqualTo(390);
        // And a second spend in the UI, reported after, adds to the first.
        Decision.Admit later = (Decision.Admit) decide(Calls.get("later", "/v1/deals"), T0 + 100);
        FeedbackEffect effect = result(later, CallOutcome.SUCCESS, Map.of("x-daily-ratelimit-token-remaining", "" + (1000 - 400 - 100)), T0 + 150);
        assertThat(effect.untrackedUnits()).containsEntry("budget", 100L);
        assertThat(((QuotaCount) states.get(new RuleKey("budget", "account:acme"))).used()).isEqualTo(500);
    }

    @Provide
    Arbitrary<String> headerValues() {
        return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf), Arbitraries.of("0", "-1", "1", "39", "40", "41", "1e400", "NaN",
                "Infinity", "-Infinity", "0x10", "", " 7 ", "20.9", "9".repeat(70)), Arbitraries.strings().ofMaxLength(20));
    }

    @Property(tries = 300)
    void shouldNeitherRaiseTheLimitNorDropItBelowOneWhateverTheHeaderSays(@ForAll("headerValues") String reported) {
        states.clear();
        Decision.Admit admit = (Decision.Admit) decide(Calls.get("a", "/v1/deals"), T0);
        result(admit, CallOutcome.SUCCESS, Map.of("x-ratelimit-limit", reported), T0 + 50);

        int admitted = burstAdmitted(T0 + 10_000);

        assertThat(admitted).isBetween(1, 40);
        Long parsed = parse(reported);
        assertThat(admitted).isEqualTo(parsed == null || parsed < 1 || parsed >= 40 ? 40 : parsed.intValue());
    }

    private static Long parse(String header) {
        try {
            double d = Double.parseDouble(header.trim());
            return header.length() > 64 || !Double.isFinite(d) ? null : (long) Math.floor(Math.max(0, d));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
