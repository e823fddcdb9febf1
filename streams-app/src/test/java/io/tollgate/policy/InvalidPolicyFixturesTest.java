package io.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.tollgate.limiter.LimiterSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One fixture file per invalid policy, each with the exact message a user gets (as envoyproxy/ratelimit
 * asserts its config fixtures): the file, the path of the field, and what is wrong with it. The list is
 * the specification; a fixture without a case here fails {@link #shouldListEveryFixtureFile()}.
 */
class InvalidPolicyFixturesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/policies/invalid");
    private static final String MISSING_CSV = FIXTURES.resolve("no-such-costs.csv").toAbsolutePath().normalize().toString();

    static Stream<Arguments> cases() {
        return Stream.of(
            inFixture("account_bad_zone.yaml",
                    "accounts[0].timeZone: 'Europe/Atlantis' is not a time zone (IANA id such as Europe/Berlin)"),
            acrossFiles("account_unknown_policy.yaml", "accounts[acme].policy: no policy 'pipedrive-typo' is defined; known: [p]"),
            inFixture("account_zero_seats.yaml",
                    "accounts[0].seats: must be between 1 and 1000000, got 0"),
            inFixture("bad_auth_kind.yaml",
                    "policies[0].rules[0].match.authKinds[0]: 'password' is not one of [api-token, oauth]"),
            inFixture("bad_concurrency_lease.yaml",
                    "policies[0].rules[0].concurrency.lease: required"),
            inFixture("bad_cost_table_method.yaml",
                    "policies[0].costTable[0].method: 'GRAB' is not one of [DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT]"),
            inFixture("bad_duration_unit.yaml",
                    "policies[0].rules[0].slidingWindow.window: '2 fortnights' is not a duration; write e.g. 2s, 500ms, 1h, 1d or PT2S"),
            inFixture("bad_key_scope.yaml",
                    "policies[0].rules[0].key: 'token' is not one of [credential, user, integration, account]"),
            inFixture("bad_method.yaml",
                    "policies[0].rules[0].match.methods[1]: 'FETCH' is not one of [DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT]"),
            inFixture("bad_path_template.yaml",
                    "policies[0].rules[0].match.paths[0]: '**' may only end a path template: '/v1/**/search'"),
            inFixture("bad_reset.yaml",
                    "policies[0].rules[0].dailyQuota.reset: 'noon' is not one of [midnight, first-request-after-midnight]"),
            inFixture("bad_zone.yaml",
                    "policies[0].rules[0].dailyQuota.zone: 'Mars/Olympus' is not a time zone; write UTC, account, or an IANA id such as Europe/Berlin"),
            inFixture("by_plan_not_number.yaml",
                    "policies[0].rules[0].slidingWindow.limit.byPlan.growth: must be a whole number, got 'forty'"),
            inFixture("duplicate_policy_id.yaml",
                    "policies[1].id: policy 'p' is defined twice"),
            inFixture("duplicate_rule_id.yaml",
                    "policies[0].rules[1].id: rule 'burst' appears twice in the policy"),
            inFixture("empty_plan_budget.yaml",
                    "policies[0].rules[0].dailyQuota.limit.planBudget.multipliers: required: a multiplier per plan"),
            inFixture("fixed_window_shorter_than_jitter.yaml",
                    "policies[0].rules[0].fixedWindow.window: must be longer than the dispatch jitter of 100 ms (a call could otherwise land two windows later); use a slidingWindow"),
            inFixture("infinite_multiplier.yaml",
                    "policies[0].rules[0].dailyQuota.limit.planBudget.multipliers.growth: must be above 0 and at most 1000000.0, got 1.0E300"),
            inFixture("malformed_cost_table_file.yaml",
                    "policies[0].costTable (malformed-costs.csv):3: cost 'cheap' is not a whole number"),
            // The file it could not read is named by its absolute path.
            inFixture("missing_cost_table_file.yaml", "policies[0].costTable: cannot read " + MISSING_CSV + ": " + MISSING_CSV),
            inFixture("missing_policy_id.yaml",
                    "policies[0].id: required"),
            inFixture("negative_limit.yaml",
                    "policies[0].rules[0].slidingWindow.limit: must be between 1 and 1000000000000, got -20"),
            inFixture("negative_max_wait.yaml",
                    "policies[0].maxWait: must be between 0 and 7 days, got -5 ms"),
            inFixture("negative_multiplier.yaml",
                    "policies[0].rules[0].dailyQuota.limit.planBudget.multipliers.growth: must be above 0 and at most 1000000.0, got -2.0"),
            inFixture("no_limit.yaml",
                    "policies[0].rules[0]: a rule needs exactly one limit: one of [slidingWindow, fixedWindow, tokenBucket, dailyQuota, concurrency]"),
            inFixture("no_rules.yaml",
                    "policies[0].rules: at least one rule is required"),
            inFixture("not_yaml.yaml",
                    "(file): not valid YAML: while parsing a flow mapping? in 'reader', line 3, column 14:?        rules: [ {id: r?                 ^?expected ',' or '}', but got <stream end>? in 'reader', line 4, column 1:?    ?    ^? at line 3"),
            inFixture("reserved_rule_id.yaml",
                    "policies[0].rules[0].id: ids starting with '~' are reserved"),
            inFixture("rule_id_with_control_character.yaml",
                    "policies[0].rules[0].id: must not hold control characters"),
            inFixture("sliding_window_too_many_entries.yaml",
                    "policies[0].rules[0].slidingWindow: a sliding window keeps one entry per call: at most 100000 calls per window; for more, use a fixedWindow or a tokenBucket"),
            inFixture("two_limits.yaml",
                    "policies[0].rules[0]: a rule has exactly one limit, found [slidingWindow, dailyQuota]"),
            inFixture("unknown_field.yaml",
                    "policies[0].rules[0].limt: unknown field; expected one of [concurrency, cost, dailyQuota, description, except, feedback, fixedWindow, id, key, match, maxWait, mode, slidingWindow, tokenBucket]"),
            inFixture("window_longer_than_a_week.yaml",
                    "policies[0].rules[0].fixedWindow.window: must be between 1 ms and 7 days, got 691200000 ms"),
            inFixture("zero_window.yaml",
                    "policies[0].rules[0].slidingWindow.window: must be between 1 ms and 7 days, got 0 ms"));
    }

    /** A problem within one file: the message starts with that file. */
    private static Arguments inFixture(String fixture, String problem) {
        return arguments(fixture, FIXTURES.resolve(fixture) + ": " + problem);
    }

    /** A problem found when the files are checked together (an account and the policies): it names no single file. */
    private static Arguments acrossFiles(String fixture, String message) {
        return arguments(fixture, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldRefuseTheFileWithExactlyThisMessage(String fixture, String message) {
        assertThatThrownBy(() -> PolicyFile.load(FIXTURES.resolve(fixture).toString(), LimiterSettings.DEFAULTS))
                .isInstanceOf(PolicyException.class)
                .hasMessage(message);
    }

    @Test
    void shouldListEveryFixtureFile() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml")))
                    .containsExactlyInAnyOrderElementsOf(cases().map(c -> (String) c.get()[0]).toList());
        }
    }
}
