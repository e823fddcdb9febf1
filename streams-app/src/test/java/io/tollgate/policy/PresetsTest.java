package io.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.policy.Policy;
import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.AuthKind;
import io.tollgate.limiter.Call;
import io.tollgate.limiter.Decision;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.rule.Rule;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every limit in shared/reference/vendor-limits.md, checked through the engine: the presets admit
 * exactly the published number and hold back the next call.
 */
class PresetsTest {

    private static final LimiterSettings NO_JITTER = new LimiterSettings(0, 2000, 60_000);
    private static final PolicyFile.Contents ALL = PolicyFile.load("classpath:presets/all.yaml", LimiterSettings.DEFAULTS);
    private static final long T0 = ZonedDateTime.of(2026, 11, 23, 10, 0, 0, 0, ZoneId.of("UTC")).toInstant().toEpochMilli();

    private final Limiter limiter = new Limiter(NO_JITTER);

    private static io.tollgate.limiter.rule.Policy compiled(String id) {
        Policy policy = ALL.policies().stream().filter(p -> p.getId().equals(id)).findFirst().orElseThrow();
        return new PolicyCompiler(NO_JITTER).compile(policy, null);
    }

    /** Admits calls at one instant until the engine holds one back; returns how many went and who held. */
    private Held burst(io.tollgate.limiter.rule.Policy policy, AccountFacts account, Call template, int max) {
        Map<RuleKey, LimitState> states = new HashMap<>();
        for (int i = 0; i < max; i++) {
            Call call = new Call("r" + i, template.account(), template.credential(), template.authKind(), template.user(),
                    template.integration(), template.method(), template.path(), template.apiVersion(), template.category(),
                    template.explicitCost(), 0, null);
            Decision d = limiter.decide(policy, account, call, states::get, T0, T0);
            if (d instanceof Decision.Admit admit) {
                states.putAll(admit.updates());
            } else if (d instanceof Decision.Delay delay) {
                return new Held(i, delay.bindingRule());
            } else {
                return new Held(i, ((Decision.Reject) d).reason().name());
            }
        }
        return new Held(max, null);
    }

    private record Held(int admitted, String by) {
    }

    private static Call call(AuthKind kind, String method, String path, String version) {
        return new Call("r", "acme", "token-1", kind, "user-1", "crm", method, path, version, null, null, 0, null);
    }

    @ParameterizedTest(name = "{0}: api_token {1}, OAuth {2}")
    @CsvSource({
        "lite, 20, 80", "growth, 40, 160", "premium, 100, 400", "ultimate, 120, 480",
        "essential, 20, 80", "advanced, 40, 160", "professional, 80, 320", "power, 100, 400", "enterprise, 120, 480"})
    void shouldAllowPipedriveBurstOfEveryPlanPer2sPerToken(String plan, int apiToken, int oauth) {
        io.tollgate.limiter.rule.Policy pipedrive = compiled("pipedrive");
        AccountFacts account = AccountFacts.of("acme", plan, 1_000, ZoneId.of("UTC"));

        assertThat(burst(pipedrive, account, call(AuthKind.API_TOKEN, "GET", "/api/v2/deals/1", "v2"), 1000))
                .isEqualTo(new Held(apiToken, "burst-api-token"));
        assertThat(burst(pipedrive, account, call(AuthKind.OAUTH, "GET", "/api/v2/deals/1", "v2"), 1000))
                .isEqualTo(new Held(oauth, "burst-oauth"));
    }

    @Test
    void shouldAllowTenSearchesPer2sOnEveryPlan() {
        io.tollgate.limiter.rule.Policy pipedrive = compiled("pipedrive");
        AccountFacts account = AccountFacts.of("acme", "ultimate", 1_000, ZoneId.of("UTC"));

        assertThat(burst(pipedrive, account, call(AuthKind.OAUTH, "GET", "/api/v2/deals/search?term=x", "v2"), 100))
                .isEqualTo(new Held(10, "search"));
        assertThat(burst(pipedrive, account, call(AuthKind.API_TOKEN, "GET", "/v1/itemSearch", "v1"), 100))
                .isEqualTo(new Held(10, "search"));
    }

    @Test
    void shouldLimitPostAndPutTo10000PerUserPerUtcDay() {
        Rule rule = compiled("pipedrive").rule("daily-writes-per-user").orElseThrow();
        AccountFacts account = AccountFacts.of("acme", "growth", 1, ZoneId.of("Asia/Tokyo"));

        assertThat(rule.amount().resolve(account)).isEqualTo(10_000);
        assertThat(rule.limit().describe(10_000)).isEqualTo("10000 per day in UTC (midnight reset)");
        assertThat(rule.appliesTo(call(AuthKind.API_TOKEN, "POST", "/v1/deals", "v1"))).isTrue();
        assertThat(rule.appliesTo(call(AuthKind.OAUTH, "PUT", "/v1/deals/1", "v1"))).isTrue();
        assertThat(rule.appliesTo(call(AuthKind.API_TOKEN, "GET", "/v1/deals", "v1"))).isFalse();
        assertThat(rule.scope().subjectOf(call(AuthKind.API_TOKEN, "POST", "/v1/deals", "v1"))).isEqualTo("user:user-1");
    }

    @ParameterizedTest(name = "{0} x {1} seats + {2} = {3}")
    @CsvSource({"lite, 1, 0, 30000", "growth, 3, 0, 180000", "premium, 10, 0, 1500000", "ultimate, 2, 5000, 425000"})
    void shouldComputeDailyTokenBudgetFromPlanAndSeats(String plan, int seats, long extra, long budget) {
        Rule rule = compiled("pipedrive").rule("daily-token-budget").orElseThrow();
        AccountFacts account = new AccountFacts("acme", plan, seats, ZoneId.of("UTC"), extra, Map.of());

        assertThat(rule.amount().resolve(account)).isEqualTo(budget);
    }

    @Test
    void shouldSpendTheTokenBudgetByEndpointCostAndHoldUntilTheNextDay() {
        io.tollgate.limiter.rule.Policy pipedrive = compiled("pipedrive");
        // 30,000 tokens: a v1 list costs 20, so 1,500 lists; spread over tokens so bursts don't bind.
        AccountFacts lite = AccountFacts.of("acme", "lite", 1, ZoneId.of("UTC"));
        Map<RuleKey, LimitState> states = new HashMap<>();
        int admitted = 0;
        Decision last = null;
        for (int i = 0; i < 2000 && !(last instanceof Decision.Reject); i++) {
            Call list = new Call("r" + i, "acme", "token-" + (i % 200), AuthKind.API_TOKEN, "user-1", "crm", "GET",
                    "/v1/deals?start=0", "v1", null, null, 0, null);
            last = limiter.decide(pipedrive, lite, list, states::get, T0, T0);
            if (last instanceof Decision.Admit admit) {
                states.putAll(admit.updates());
                admitted++;
            }
        }

        assertThat(admitted).isEqualTo(1500);
        assertThat(last).isInstanceOfSatisfying(Decision.Reject.class, r -> {
            assertThat(r.ruleId()).isEqualTo("daily-token-budget");
            assertThat(r.reason().name()).isEqualTo("WAIT_EXCEEDS_MAX");
            assertThat(r.couldGoAtMs()).isEqualTo(ZonedDateTime.of(2026, 11, 24, 0, 0, 0, 0, ZoneId.of("UTC")).toInstant().toEpochMilli());
        });
    }

    @Test
    void shouldNotCountWebhooks() {
        io.tollgate.limiter.rule.Policy pipedrive = compiled("pipedrive");
        Call webhook = new Call("w", "acme", "t", AuthKind.API_TOKEN, null, "hooks", "POST", "/v1/webhooks/in", "v1", "webhook", null, 0, null);

        assertThat(pipedrive.isExempt(webhook)).isTrue();
    }

    @Test
    void shouldLimitFormsPlatformTo2500PerOrganizationDayInItsZone() {
        io.tollgate.limiter.rule.Policy forms = compiled("forms-platform");
        Rule daily = forms.rule("daily-calls").orElseThrow();
        AccountFacts org = AccountFacts.of("org", null, 1, ZoneId.of("Australia/Sydney"));

        assertThat(daily.amount().resolve(org)).isEqualTo(2500);
        assertThat(daily.limit().describe(2500)).isEqualTo("2500 per day in account (reset on first request after midnight)");
        assertThat(burst(forms, org, call(AuthKind.API_TOKEN, "GET", "/api/datasources", null), 10).by())
                .as("3 concurrent connections").isEqualTo("concurrent-connections");
        assertThat(burst(forms, org, call(AuthKind.API_TOKEN, "GET", "/api/datasources", null), 10).admitted()).isEqualTo(3);
    }

    @Test
    void shouldNotCountConnectorActionsFileDownloadsOrPlatformCalls() {
        io.tollgate.limiter.rule.Policy forms = compiled("forms-platform");
        Call base = call(AuthKind.API_TOKEN, "GET", "/api/files/42", null);

        assertThat(forms.isExempt(io.tollgate.limiter.Calls.withCategory(base, "file-download"))).isTrue();
        assertThat(forms.isExempt(io.tollgate.limiter.Calls.withCategory(call(AuthKind.API_TOKEN, "POST", "/api/x", null), "file-download"))).isFalse();
        assertThat(forms.isExempt(io.tollgate.limiter.Calls.withCategory(base, "connector-action"))).isTrue();
        assertThat(forms.isExempt(io.tollgate.limiter.Calls.withCategory(base, "platform-to-app"))).isTrue();
        assertThat(forms.isExempt(base)).isFalse();
    }
}
