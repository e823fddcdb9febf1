package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.avro.RejectedCall;
import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the vendor's headers say, acted on end to end through the topology: a spent daily budget parks
 * calls until its reset without using their attempts, a lower vendor limit is adopted and counted, and
 * allowance spent outside Tollgate shows in the metrics.
 */
class VendorHeadersTopologyTest {

    private static final Instant NEXT_MIDNIGHT = Instant.parse("2026-11-24T00:00:00Z"); // T0 is 10:00 UTC

    private static String policy(String budgetMaxWait) {
        return """
                policies:
                  - id: p
                    maxWait: 1h
                    defaultCost: 10
                    rules:
                      - id: burst
                        key: credential
                        slidingWindow: {limit: 5, window: 2s}
                        feedback: {limit: x-ratelimit-limit, remaining: x-ratelimit-remaining, reset: x-ratelimit-reset}
                      - id: budget
                        key: account
                        cost: tokens
                        dailyQuota: {limit: 1000}
                        maxWait: %s
                        feedback: {remaining: x-daily-ratelimit-token-remaining}
                accounts: [{id: acme, policy: p}]
                """.formatted(budgetMaxWait);
    }

    private static final Map<String, String> BUDGET_SPENT = Map.of("x-daily-ratelimit-token-remaining", "0",
            "x-ratelimit-remaining", "3", "x-ratelimit-reset", "2");

    private TopologyFixture fx;

    @BeforeEach
    void startFixture() throws Exception {
        fx = TopologyFixture.start();
    }

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void shouldRejectWithTheTimeItCouldGoWhenTheVendorSaysTheBudgetIsSpentBeyondTheMaximumWait() throws Exception {
        fx.seed(policy("1h"));
        fx.send(request("a").build());

        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.RATE_LIMITED, 429, BUDGET_SPENT));
        fx.send(request("b").build());
        fx.advance(3000);

        assertThat(fx.dispatchedIds()).containsExactly("a");
        assertThat(fx.rejected()).extracting(RejectedCall::getRequestId).containsExactly("a", "b");
        assertThat(fx.rejected()).allSatisfy(r -> {
            assertThat(r.getReason()).isEqualTo("WAIT_EXCEEDS_MAX");
            assertThat(r.getRuleId()).isEqualTo("budget");
            assertThat(r.getCouldGoAt()).isEqualTo(NEXT_MIDNIGHT);
        });
        assertThat(fx.metrics.count("tollgate_vendor_quota_spent_total", "rule=\"budget\"")).isEqualTo(1);
    }

    @Test
    void shouldParkTheCallUntilTheResetWithoutUsingItsAttemptsWhenThatIsWithinTheMaximumWait() throws Exception {
        fx.seed(policy("7d"));
        fx.send(request("a").build());
        // More spent-budget answers than max.attempts (3) allows for failures: none of them is one.
        for (int i = 0; i < 4; i++) {
            DispatchedCall last = fx.dispatched().get(fx.dispatched().size() - 1);
            fx.result(TopologyFixture.resultOf(last, Outcome.RATE_LIMITED, 429, BUDGET_SPENT));
            fx.advance(100);
            DelayedCall parked = fx.delayed().get(fx.delayed().size() - 1);
            assertThat(parked.getBindingRule()).isEqualTo("budget");
            assertThat(parked.getNotBefore()).isEqualTo(i == 0 ? NEXT_MIDNIGHT : NEXT_MIDNIGHT.plusSeconds(86_400L * i));
            assertThat(parked.getAttempt()).isEqualTo(1);
            fx.jump(java.time.Duration.between(fx.now(), parked.getNotBefore()).toMillis() + 100);
        }

        assertThat(fx.dispatched()).hasSize(5).allSatisfy(d -> assertThat(d.getAttempt()).isEqualTo(1));
        assertThat(fx.rejected()).isEmpty();
    }

    @Test
    void shouldLetCallsParkedForTheResetGoWhenItComesThoughABurstThenHoldsThem() throws Exception {
        // The budget lets calls wait 20 h for its reset; the policy's own maximum (which the burst uses) is 1 h. After
        // the reset the burst holds the parked calls a few seconds more: that must not refuse calls that waited 14 h.
        fx.seed("""
                policies:
                  - id: p
                    maxWait: 1h
                    defaultCost: 10
                    rules:
                      - {id: burst, key: credential, slidingWindow: {limit: 2, window: 2s}}
                      - {id: budget, key: account, cost: tokens, dailyQuota: {limit: 50}, maxWait: 20h}
                accounts: [{id: acme, policy: p}]
                """);
        IntStream.range(0, 15).forEach(i -> fx.send(request("c" + i).build()));
        fx.advance(5000);
        assertThat(fx.dispatched()).hasSize(5);

        fx.jump(java.time.Duration.between(fx.now(), NEXT_MIDNIGHT).toMillis() + 100);
        fx.advance(5000);

        assertThat(fx.dispatchedIds()).containsExactly("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
        // The next reset is 38 h after they were sent: beyond the 20 h, so the rest are refused with the time they could go.
        assertThat(fx.rejected()).hasSize(5).allSatisfy(r -> {
            assertThat(r.getReason()).isEqualTo("WAIT_EXCEEDS_MAX");
            assertThat(r.getCouldGoAt()).isEqualTo(NEXT_MIDNIGHT.plusSeconds(86_400));
        });
    }

    @Test
    void shouldAdoptTheVendorsLowerLimitForTheCredentialAndCountIt() throws Exception {
        fx.seed(policy("1h"));
        fx.send(request("a").build());

        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.SUCCESS, 200, Map.of("x-ratelimit-limit", "3",
                "x-ratelimit-remaining", "2")));
        fx.advance(2500);
        IntStream.range(0, 6).forEach(i -> fx.send(request("n" + i).build()));

        assertThat(fx.dispatchedIds()).containsExactly("a", "n0", "n1", "n2");
        assertThat(fx.delayed()).first().extracting(DelayedCall::getBindingRule).isEqualTo("burst");
        assertThat(fx.metrics.count("tollgate_vendor_limits_adopted_total", "rule=\"burst\"")).isEqualTo(1);
    }

    @Test
    void shouldCountAllowanceTheVendorSawSpentByTrafficTollgateDidNotSend() throws Exception {
        fx.seed(policy("1h"));
        fx.send(request("a").build());

        // Tollgate's count: 990 tokens left. The vendor's: 400. The users' UI actions took 590.
        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.SUCCESS, 200,
                Map.of("x-daily-ratelimit-token-remaining", "400")));

        assertThat(fx.metrics.count("tollgate_untracked_units_total", "rule=\"budget\"")).isEqualTo(590);
        assertThat(fx.metrics.count("tollgate_untracked_units_total", "rule=\"budget\"")).isEqualTo(590);
        assertThat(fx.metrics.prometheus()).contains("tollgate_untracked_units_total{rule=\"budget\"} 590");
    }
}
