package io.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.Call;
import io.tollgate.limiter.RuleCharge;
import io.tollgate.limiter.Decision;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.rule.LimitPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Pipedrive preset's costs: the published table (read here as plain text, not through the loader
 * under test) is what the engine charges, whichever URL form a call uses, and v2 never costs more than v1.
 */
class CostTableTest {

    private static final LimiterSettings SETTINGS = new LimiterSettings(0, 2000, 60_000);
    private static final LimitPolicy PIPEDRIVE = PresetsTest.compiled("pipedrive");
    private static final List<Row> PUBLISHED = readPublishedTable();
    private static final long T0 = 1_795_000_000_000L;

    /** One line of presets/pipedrive-costs.csv. */
    record Row(String version, String method, String template, int cost) {

        /** A path this row's template matches, with every variable filled in. */
        String samplePath() {
            return template.replaceAll("\\{[^}]*}", "7").replace("**", "token");
        }
    }

    private static List<Row> readPublishedTable() {
        try (InputStream in = CostTableTest.class.getClassLoader().getResourceAsStream("presets/pipedrive-costs.csv")) {
            List<Row> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#") || line.startsWith("api_version")) {
                    continue;
                }
                String[] c = line.split(",");
                rows.add(new Row(c[0], c[1], c[2], Integer.parseInt(c[3].trim())));
            }
            return rows;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Call call(String method, String path, String version) {
        return new Call("r", "acme", "token-1", CredentialKind.API_TOKEN, "user-1", "crm", method, path, version, null, null, 0, null);
    }

    /** What the engine charges the daily token budget for a call. */
    private static long tokensCharged(Call call) {
        Map<RuleKey, LimitState> none = new HashMap<>();
        Decision d = new Limiter(SETTINGS).decide(PIPEDRIVE, AccountFacts.of("acme", "ultimate", 100, ZoneId.of("UTC")), call, none::get,
                T0, T0);
        return ((Decision.Admit) d).charges().stream().filter(c -> c.ruleId().equals("daily-token-budget")).mapToLong(RuleCharge::units).sum();
    }

    @Test
    void shouldChargeEveryPublishedOperationItsPublishedCost() {
        assertThat(PUBLISHED).hasSizeGreaterThan(400);
        List<String> wrong = new ArrayList<>();
        for (Row row : PUBLISHED) {
            if (row.version().isEmpty()) {
                continue;
            }
            long charged = tokensCharged(call(row.method(), row.samplePath(), row.version()));
            if (charged != row.cost()) {
                wrong.add(row + " charged " + charged);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void shouldFailWhenTheTableIsNotLoaded() {
        // A table that did not load charges every call its version's default (v1 20, v2 10). Most published
        // costs differ from it, so the test above cannot pass on defaults alone.
        long differing = PUBLISHED.stream().filter(r -> !r.version().isEmpty())
                .filter(r -> r.cost() != (r.version().equals("v2") ? 10 : 20)).count();
        assertThat(differing).isGreaterThan(250);
        assertThat(tokensCharged(call("GET", "/api/v2/deals/42", "v2"))).isEqualTo(1);
        assertThat(tokensCharged(call("DELETE", "/v1/persons/42", "v1"))).isEqualTo(6);
        assertThat(PIPEDRIVE.costs().entries()).hasSize(PUBLISHED.size());
    }

    @Test
    void shouldChargeTheCompanyDomainFormOfV1AsTheApiDomainForm() {
        // https://api.pipedrive.com/v1/... and https://{company}.pipedrive.com/api/v1/... are the same endpoint.
        List<String> different = new ArrayList<>();
        for (Row row : PUBLISHED) {
            if (row.version().equals("v1")) {
                String companyForm = "/api" + row.samplePath();
                if (tokensCharged(call(row.method(), companyForm, "v1")) != row.cost()) {
                    different.add(row.method() + " " + companyForm);
                }
            }
        }
        assertThat(different).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1} and {0} /api{1}")
    @CsvSource({"GET, /v1/deals/search?term=acme", "GET, /v1/itemSearch?term=acme", "POST, /v1/deals", "PUT, /v1/persons/9",
                "GET, /v1/deals/summary", "DELETE, /v1/activities/3", "GET, /v1/users/me"})
    void shouldChargeEveryRuleTheSameForBothForms(String method, String v1Path) {
        assertThat(chargesOf(call(method, "/api" + v1Path, "v1"))).isEqualTo(chargesOf(call(method, v1Path, "v1")));
    }

    private static List<String> chargesOf(Call call) {
        Map<RuleKey, LimitState> none = new HashMap<>();
        Decision d = new Limiter(SETTINGS).decide(PIPEDRIVE, AccountFacts.of("acme", "ultimate", 100, ZoneId.of("UTC")), call, none::get,
                T0, T0);
        return ((Decision.Admit) d).charges().stream().map(c -> c.ruleId() + " " + c.subject() + " " + c.units())
                .sorted().collect(Collectors.toList());
    }

    @Test
    void shouldNeverMakeV2CostMoreThanV1() {
        // Seed 000: v2 endpoints "consume fewer tokens"; seed 001: v2 token costs are "up to half the cost of the
        // original endpoints". An update of one is PUT in v1 and PATCH in v2.
        Map<String, Integer> v1 = new HashMap<>();
        PUBLISHED.stream().filter(r -> r.version().equals("v1"))
                .forEach(r -> v1.put(r.method() + " " + r.template().substring("/v1".length()), r.cost()));
        int pairs = 0;
        int cheaper = 0;
        List<String> dearer = new ArrayList<>();
        for (Row row : PUBLISHED) {
            if (!row.version().equals("v2")) {
                continue;
            }
            String operation = row.template().substring("/api/v2".length());
            Integer v1Cost = v1.getOrDefault(row.method() + " " + operation,
                    row.method().equals("PATCH") ? v1.get("PUT " + operation) : null);
            if (v1Cost == null) {
                continue;
            }
            pairs++;
            cheaper += row.cost() < v1Cost ? 1 : 0;
            if (row.cost() > v1Cost) {
                dearer.add(row.method() + " " + operation + ": v2 " + row.cost() + " > v1 " + v1Cost);
            }
        }
        assertThat(dearer).isEmpty();
        assertThat(pairs).isGreaterThan(50);
        assertThat(cheaper).isEqualTo(pairs);
        assertThat(tokensCharged(call("GET", "/api/v2/deals", "v2"))).isLessThan(tokensCharged(call("GET", "/v1/deals", "v1")));
    }
}
