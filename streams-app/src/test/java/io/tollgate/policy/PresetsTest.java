package io.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.Call;
import io.tollgate.limiter.CallOutcome;
import io.tollgate.limiter.Calls;
import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.Decision;
import io.tollgate.limiter.DispatchOutcome;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.RejectReason;
import io.tollgate.limiter.RuleCharge;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.rule.LimitPolicy;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The presets, checked through the engine against what the vendors' documents in {@code shared/seeds}
 * state (each test names the seed and quotes it), not against the presets' own source. Numbers the
 * seeds do not state (current plan names, the search limit, the budget's base and multipliers) come
 * from the vendor's public documentation and are checked separately, as such.
 */
class PresetsTest {

    // No jitter, and no results in these tests: a window reuses its capacity without waiting for them.
    private static final LimiterSettings NO_JITTER = new LimiterSettings(0, 2000, 60_000, 0);
    private static final PolicyFile.Contents ALL = PolicyFile.load("classpath:presets/all.yaml", NO_JITTER);
    private static final ZoneId UTC = ZoneId.of("UTC");
    /** Monday 2026-11-23 10:00 UTC: far from midnight in UTC and in Sydney (21:00). */
    private static final long T0 = at(2026, 11, 23, 10, 0, UTC);

    static LimitPolicy compiled(String id) {
        return new PolicyCompiler(NO_JITTER).compile(ALL.policies().stream().filter(p -> p.getId().equals(id)).findFirst().orElseThrow(), null);
    }

    private static long at(int year, int month, int day, int hour, int minute, ZoneId zone) {
        return ZonedDateTime.of(year, month, day, hour, minute, 0, 0, zone).toInstant().toEpochMilli();
    }

    private static Call call(String id, CredentialKind kind, String credential, String user, String integration, String method, String path,
                             String version) {
        return new Call(id, "acme", credential, kind, user, integration, method, path, version, null, null, 0, null);
    }

    /** One account's counters, decided call by call as the engine would. */
    static final class Account {
        final Limiter limiter = new Limiter(NO_JITTER);
        final LimitPolicy policy;
        final AccountFacts facts;
        final Map<RuleKey, LimitState> states = new HashMap<>();
        private int sequence;

        Account(LimitPolicy policy, AccountFacts facts) {
            this.policy = policy;
            this.facts = facts;
        }

        Decision decide(Call call, long nowMs) {
            Decision d = limiter.decide(policy, facts, call, states::get, nowMs, nowMs);
            if (d instanceof Decision.Admit admit) {
                states.putAll(admit.updates());
            }
            return d;
        }

        /** Sends copies of {@code template} at {@code nowMs} until one is not admitted; returns how many went and what stopped them. */
        Held burst(Call template, long nowMs, int max) {
            for (int i = 0; i < max; i++) {
                Decision d = decide(withId(template, "b" + sequence++), nowMs);
                if (d instanceof Decision.Delay delay) {
                    return new Held(i, delay.bindingRule(), delay.notBeforeMs());
                }
                if (d instanceof Decision.Reject reject) {
                    return new Held(i, reject.ruleId() + " " + reject.reason(), reject.couldGoAtMs());
                }
            }
            return new Held(max, null, null);
        }

        void result(Call call, Decision.Admit admit, CallOutcome outcome, Map<String, String> headers, long nowMs) {
            states.putAll(limiter.feedback(policy, facts, new DispatchOutcome(call.requestId(), call.credential(), outcome, headers,
                    admit.charges()), states::get, nowMs).updates());
        }
    }

    record Held(int admitted, String by, Long untilMs) {
    }

    static Call withId(Call c, String id) {
        return new Call(id, c.account(), c.credential(), c.authKind(), c.user(), c.integration(), c.method(), c.path(), c.apiVersion(),
                c.category(), c.explicitCost(), c.priority(), c.deadlineMs());
    }

    private static long charged(Decision d, String ruleId) {
        return ((Decision.Admit) d).charges().stream().filter(c -> c.ruleId().equals(ruleId)).mapToLong(RuleCharge::units).sum();
    }

    @Nested
    class Seed002PipedriveRateLimiting {

        private final LimitPolicy pipedrive = compiled("pipedrive");

        /** Seed 002 lists four plans; their names are those of seed 002's time (the reference maps them). */
        @ParameterizedTest(name = "{0}: \"{1} requests per 2 seconds per api_token\", \"{2} requests per 2 seconds per access_token\"")
        @CsvSource({"essential, 20, 80", "advanced, 40, 160", "professional, 80, 320", "enterprise, 120, 480"})
        void shouldAllowEachPlanItsRequestsPer2SecondWindowPerToken(String plan, int apiToken, int oauth) {
            Account acme = new Account(pipedrive, AccountFacts.of("acme", plan, 1000, UTC));
            Call byApiToken = call("r", CredentialKind.API_TOKEN, "token-1", "u1", "crm", "GET", "/api/v2/deals/1", "v2");
            Call byOauth = call("r", CredentialKind.OAUTH, "oauth-1", "u1", "crm", "GET", "/api/v2/deals/1", "v2");

            assertThat(acme.burst(byApiToken, T0, 1000)).isEqualTo(new Held(apiToken, "burst-api-token", T0 + 2000));
            assertThat(acme.burst(byOauth, T0, 1000)).isEqualTo(new Held(oauth, "burst-oauth", T0 + 2000));
            // "the Pipedrive API rate limit window duration is 2 seconds": the next window takes as many again.
            assertThat(acme.burst(byApiToken, T0 + 2000, 1000).admitted()).isEqualTo(apiToken);
        }

        @Test
        void shouldCountPerTokenNotPerCompany() {
            // "Rate limiting of the Pipedrive API is considered per token, not per company."
            Account acme = new Account(pipedrive, AccountFacts.of("acme", "essential", 1000, UTC));

            assertThat(acme.burst(call("r", CredentialKind.API_TOKEN, "token-1", "u1", "crm", "GET", "/api/v2/deals/1", "v2"), T0, 100).admitted())
                    .isEqualTo(20);
            assertThat(acme.burst(call("r", CredentialKind.API_TOKEN, "token-2", "u2", "crm", "GET", "/api/v2/deals/1", "v2"), T0, 100).admitted())
                    .isEqualTo(20);
        }

        @Test
        void shouldAllow10000PostAndPutPerUserPerUtcDaySharedByTheUsersIntegrations() {
            // "a maximum of 10 000 POST/PUT requests daily per user per 24 hours. The daily limit will be reset at
            // midnight in UTC." Martin's two integrations "are subject to the same daily limit". The account's own
            // zone (Tokyo here) does not move that midnight.
            Account acme = new Account(pipedrive, new AccountFacts("acme", "enterprise", 100, ZoneId.of("Asia/Tokyo"), 0, Map.of()));
            int admitted = 0;
            Decision last = null;
            for (int i = 0; i < 10_001; i++) {
                String method = i % 2 == 0 ? "POST" : "PUT";
                String path = i % 2 == 0 ? "/v1/notes" : "/v1/notes/" + i;
                // Spread over tokens and time so that the 2-second windows never bind.
                last = acme.decide(call("w" + i, CredentialKind.API_TOKEN, "token-" + (i % 100), "martin", i % 3 == 0 ? "crm" : "sync",
                        method, path, "v1"), T0 + i);
                if (last instanceof Decision.Admit) {
                    admitted++;
                } else {
                    break;
                }
            }

            assertThat(admitted).isEqualTo(10_000);
            assertThat(last).isInstanceOfSatisfying(Decision.Reject.class, r -> {
                assertThat(r.ruleId()).isEqualTo("daily-writes-per-user");
                assertThat(r.reason()).isEqualTo(RejectReason.WAIT_EXCEEDS_MAX);
                assertThat(r.couldGoAtMs()).isEqualTo(at(2026, 11, 24, 0, 0, UTC));
            });
            // Another user, and reads of the same user, are not counted by the write limit.
            assertThat(acme.decide(call("x", CredentialKind.API_TOKEN, "token-x", "julia", "crm", "POST", "/v1/notes", "v1"), T0 + 20_000))
                    .isInstanceOf(Decision.Admit.class);
            assertThat(acme.decide(call("y", CredentialKind.API_TOKEN, "token-y", "martin", "crm", "GET", "/v1/notes", "v1"), T0 + 20_000))
                    .isInstanceOf(Decision.Admit.class);
            // After midnight UTC the user writes again.
            assertThat(acme.decide(call("z", CredentialKind.API_TOKEN, "token-z", "martin", "crm", "POST", "/v1/notes", "v1"),
                    at(2026, 11, 24, 0, 0, UTC))).isInstanceOf(Decision.Admit.class);
        }

        @Test
        void shouldNotCountWebhooks() {
            // "Webhooks are not subjected to rate limiting."
            Account acme = new Account(pipedrive, AccountFacts.of("acme", "essential", 1, UTC));
            Call webhook = Calls.withCategory(call("w", CredentialKind.API_TOKEN, "token-1", "u1", "hooks", "POST", "/v1/webhooks/in", "v1"),
                    "webhook");

            assertThat(acme.burst(webhook, T0, 500)).isEqualTo(new Held(500, null, null));
            assertThat(acme.states).isEmpty();
        }
    }

    @Nested
    class Seeds000And001TokenBudget {

        private final LimitPolicy pipedrive = compiled("pipedrive");

        @Test
        void shouldDrawEveryUserIntegrationAndAuthKindFromOneBudgetUntilTheReset() {
            // Seed 001: "This budget is shared among all users within the account, meaning that each API request made
            // by any user or integration will draw from the same pool of tokens", OAuth apps included. Seed 000: "once
            // the daily token limit is reached, further requests will fail until the limit resets".
            Account acme = new Account(pipedrive, AccountFacts.of("acme", "lite", 1, UTC)); // 30,000 tokens
            long spent = 0;
            Decision last = null;
            for (int i = 0; spent < 40_000; i++) {
                Call c = call("t" + i, i % 2 == 0 ? CredentialKind.API_TOKEN : CredentialKind.OAUTH, "token-" + (i % 300), "user-" + (i % 7),
                        "integration-" + (i % 5), "GET", i % 3 == 0 ? "/v1/deals" : "/api/v2/deals", i % 3 == 0 ? "v1" : "v2");
                last = acme.decide(c, T0 + i);
                if (!(last instanceof Decision.Admit)) {
                    break;
                }
                spent += charged(last, "daily-token-budget");
            }

            assertThat(spent).isBetween(30_000L - 20, 30_000L);
            assertThat(last).isInstanceOfSatisfying(Decision.Reject.class, r -> {
                assertThat(r.ruleId()).isEqualTo("daily-token-budget");
                assertThat(r.couldGoAtMs()).isEqualTo(at(2026, 11, 24, 0, 0, UTC));
            });
        }

        @Test
        void shouldChargeEachEndpointItsOwnCostRatherThanOneDefault() {
            // Seed 001: "different endpoints consuming varying token amounts based on their complexity".
            Account acme = new Account(pipedrive, AccountFacts.of("acme", "lite", 1, UTC));

            long getOne = charged(acme.decide(call("a", CredentialKind.API_TOKEN, "t1", "u", "crm", "GET", "/api/v2/deals/1", "v2"), T0),
                    "daily-token-budget");
            long list = charged(acme.decide(call("b", CredentialKind.API_TOKEN, "t1", "u", "crm", "GET", "/api/v2/deals", "v2"), T0),
                    "daily-token-budget");
            long search = charged(acme.decide(call("c", CredentialKind.API_TOKEN, "t1", "u", "crm", "GET", "/api/v2/deals/search?term=x", "v2"), T0),
                    "daily-token-budget");

            assertThat(getOne).isLessThan(list);
            assertThat(list).isLessThan(search);
        }
    }

    @Nested
    class Seeds003And004FormsPlatform {

        private final LimitPolicy forms = compiled("forms-platform");
        private final AccountFacts sydney = AccountFacts.of("org", null, 1, ZoneId.of("Australia/Sydney"));

        @Test
        void shouldAllow2500CallsPerOrganizationDayStartingAfterLocalMidnight() {
            // "Calls to our API are limited to 2500 per day per organization account"; "API limits are reset upon the
            // first API request made after midnight in the time zone specified on your Organization Setup page."
            Account org = new Account(forms, sydney);
            int admitted = 0;
            Decision last = null;
            for (int i = 0; i < 2501; i++) {
                Call c = new Call("f" + i, "org", "forms/org", CredentialKind.API_TOKEN, null, "sync", "GET", "/api/datasources", null, null,
                        null, 0, null);
                last = org.decide(c, T0 + i);
                if (!(last instanceof Decision.Admit admit)) {
                    break;
                }
                admitted++;
                org.result(c, admit, CallOutcome.SUCCESS, Map.of(), T0 + i); // releases its connection
            }

            assertThat(admitted).isEqualTo(2500);
            long sydneyMidnight = at(2026, 11, 24, 0, 0, ZoneId.of("Australia/Sydney"));
            assertThat(last).isInstanceOfSatisfying(Decision.Reject.class, r -> {
                assertThat(r.ruleId()).isEqualTo("daily-calls");
                assertThat(r.couldGoAtMs()).isEqualTo(sydneyMidnight);
            });
            assertThat(org.decide(new Call("next-day", "org", "forms/org", CredentialKind.API_TOKEN, null, "sync", "GET", "/api/datasources",
                    null, null, null, 0, null), sydneyMidnight + 1)).isInstanceOf(Decision.Admit.class);
        }

        @Test
        void shouldHoldToThreeConcurrentConnectionsAndLetTheNextGoWhenOneEnds() {
            // "We also have a soft limit of 3 concurrent API connections per organization account." Enforced (see the preset).
            Account org = new Account(forms, sydney);
            Call template = new Call("c", "org", "forms/org", CredentialKind.API_TOKEN, null, "sync", "GET", "/api/datasources", null, null,
                    null, 0, null);
            Decision.Admit first = (Decision.Admit) org.decide(withId(template, "c0"), T0);
            org.decide(withId(template, "c1"), T0);
            org.decide(withId(template, "c2"), T0);

            assertThat(org.decide(withId(template, "c3"), T0)).isInstanceOfSatisfying(Decision.Delay.class,
                    d -> assertThat(d.bindingRule()).isEqualTo("concurrent-connections"));
            org.result(withId(template, "c0"), first, CallOutcome.SUCCESS, Map.of(), T0 + 5);
            assertThat(org.decide(withId(template, "c3"), T0 + 5)).isInstanceOf(Decision.Admit.class);
        }

        @ParameterizedTest(name = "not counted: {0} {1} ({2})")
        @CsvSource({
            "POST, /api/forms/7/submit, connector-action",      // "All connector actions ... are not counted"
            "GET, /api/files/42, file-download",                 // "GET requests to download files from our File APIs"
            "POST, /hooks/app, platform-to-app"})                // "All interactions between our platform and your app"
        void shouldNotCountWhatTheVendorDoesNotCount(String method, String path, String category) {
            Account org = new Account(forms, sydney);
            Call c = new Call("x", "org", "forms/org", CredentialKind.API_TOKEN, null, "sync", method, path, null, category, null, 0, null);

            assertThat(org.burst(c, T0, 50)).isEqualTo(new Held(50, null, null));
            assertThat(org.states).isEmpty();
        }

        @Test
        void shouldCountFileUploadsAndOtherCalls() {
            // Only GETs that download files are free: a POST to the File APIs counts like any call.
            Account org = new Account(forms, sydney);
            Call upload = new Call("u", "org", "forms/org", CredentialKind.API_TOKEN, null, "sync", "POST", "/api/files", null, "file-download",
                    null, 0, null);

            assertThat(org.burst(upload, T0, 50).admitted()).isEqualTo(3);
        }

        @Test
        void shouldRefuseAnOrganizationWithoutATimeZone() {
            // The day starts "after midnight in the time zone specified on your Organization Setup page": never guessed.
            assertThatThrownBy(() -> PolicyFile.parse("""
                    include: [classpath:presets/forms-platform.yaml]
                    accounts: [{id: org, policy: forms-platform}]
                    """, "", NO_JITTER))
                    .isInstanceOf(PolicyException.class)
                    .hasMessageContaining("accounts[org].timeZone")
                    .hasMessageContaining("daily-calls");
            Account zoneless = new Account(forms, AccountFacts.of("org", null, 1, null));
            assertThat(zoneless.decide(new Call("x", "org", "forms/org", CredentialKind.API_TOKEN, null, "sync", "GET", "/api/datasources",
                    null, null, null, 0, null), T0)).isInstanceOfSatisfying(Decision.Reject.class, r -> {
                        assertThat(r.reason()).isEqualTo(RejectReason.INVALID_ACCOUNT);
                        assertThat(r.detail()).contains("has no timeZone");
                    });
        }
    }

    /** Facts from the vendor's public documentation outside the seeds (shared/reference/vendor-limits.md). */
    @Nested
    class VendorDocumentationBeyondTheSeeds {

        private final LimitPolicy pipedrive = compiled("pipedrive");

        @ParameterizedTest(name = "{0}: api_token {1}, OAuth {2}")
        @CsvSource({"lite, 20, 80", "growth, 40, 160", "premium, 100, 400", "ultimate, 120, 480", "power, 100, 400"})
        void shouldKnowTheCurrentPlanNames(String plan, int apiToken, int oauth) {
            Account acme = new Account(pipedrive, AccountFacts.of("acme", plan, 1000, UTC));

            assertThat(acme.burst(call("r", CredentialKind.API_TOKEN, "t", "u", "crm", "GET", "/api/v2/deals/1", "v2"), T0, 1000))
                    .isEqualTo(new Held(apiToken, "burst-api-token", T0 + 2000));
            assertThat(acme.burst(call("r", CredentialKind.OAUTH, "o", "u", "crm", "GET", "/api/v2/deals/1", "v2"), T0, 1000))
                    .isEqualTo(new Held(oauth, "burst-oauth", T0 + 2000));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({"/api/v2/deals/search?term=x, v2", "/v1/itemSearch?term=x, v1", "/api/v1/persons/search?term=x, v1",
                    "/api/v2/itemSearch/field, v2"})
        void shouldAllowTenSearchesPer2sOnEveryPlan(String path, String version) {
            Account acme = new Account(pipedrive, AccountFacts.of("acme", "ultimate", 1000, UTC));

            assertThat(acme.burst(call("s", CredentialKind.OAUTH, "o", "u", "crm", "GET", path, version), T0, 100))
                    .isEqualTo(new Held(10, "search", T0 + 2000));
        }

        @ParameterizedTest(name = "{0} x {1} seats + {2} = {3}")
        @CsvSource({"lite, 1, 0, 30000", "growth, 3, 0, 180000", "premium, 10, 0, 1500000", "ultimate, 2, 5000, 425000"})
        void shouldComputeTheDailyTokenBudgetFromPlanAndSeats(String plan, int seats, long extra, long budget) {
            assertThat(pipedrive.rule("daily-token-budget").orElseThrow().amount()
                    .resolve(new AccountFacts("acme", plan, seats, UTC, extra, Map.of()))).isEqualTo(budget);
        }
    }
}
