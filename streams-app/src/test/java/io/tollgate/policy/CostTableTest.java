package io.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.Calls;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.rule.CostTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CostTableTest {

    private static final CostTable PIPEDRIVE = new PolicyCompiler(LimiterSettings.DEFAULTS).compile(
            PolicyFile.load("classpath:presets/pipedrive.yaml", LimiterSettings.DEFAULTS).policies().get(0), null).costs();

    @ParameterizedTest(name = "{0} {1} {2} costs {3}")
    @CsvSource({
        "v1, GET, /v1/deals/42, 2", "v2, GET, /api/v2/deals/42, 1",
        "v1, GET, /v1/deals?limit=500, 20", "v2, GET, /api/v2/deals?limit=500, 10", "v2, GET, /api/v2/stages, 5",
        "v1, POST, /v1/persons, 10", "v2, POST, /api/v2/persons, 5",
        "v1, PUT, /v1/deals/42, 10", "v2, PATCH, /api/v2/deals/42, 5",
        "v1, DELETE, /v1/activities/7, 6", "v2, DELETE, /api/v2/activities/7, 3",
        "v1, DELETE, /v1/deals, 10", "v2, DELETE, /api/v2/deals, 15",
        "v1, GET, /v1/deals/search, 40", "v2, GET, /api/v2/deals/search, 20", "v1, GET, /v1/itemSearch, 40",
        "v1, GET, /v1/deals/summary, 80", "v2, POST, /api/v2/deals/42/convert/lead, 40",
        "v1, POST, /oauth/token, 0",
        "v1, GET, /v1/unlisted/thing, 20", "v2, GET, /api/v2/unlisted, 10"})
    void shouldCostEachEndpointAsTheTableSays(String version, String method, String path, int cost) {
        assertThat(PIPEDRIVE.costOf(Calls.of("r", method, path, version))).isEqualTo(cost);
    }

    @ParameterizedTest(name = "{0}: v2 is cheaper than v1")
    @CsvSource({"GET, /v1/deals/1, /api/v2/deals/1", "GET, /v1/persons, /api/v2/persons", "POST, /v1/deals, /api/v2/deals",
                "GET, /v1/deals/search, /api/v2/deals/search"})
    void shouldMakeV2CheaperThanV1(String method, String v1, String v2) {
        assertThat(PIPEDRIVE.costOf(Calls.of("r", method, v2, "v2"))).isLessThan(PIPEDRIVE.costOf(Calls.of("r", method, v1, "v1")));
    }
}
