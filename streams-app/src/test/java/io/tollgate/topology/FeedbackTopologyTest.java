package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.avro.policy.Policy;
import io.tollgate.avro.policy.SlidingWindow;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.policy.PolicyFile;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Results close the loop: permits are released, 429s and stale dispatches requeue, vendor counts are adopted. */
class FeedbackTopologyTest {

    private static final String BURST_WITH_FEEDBACK = """
            policies:
              - id: p
                rules:
                  - id: burst
                    key: credential
                    slidingWindow: {limit: 5, window: 2s}
                    feedback: {remaining: x-ratelimit-remaining, reset: x-ratelimit-reset}
            accounts: [{id: acme, policy: p}]
            """;

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
    void shouldRequeueA429AndPauseTheCredentialUntilTheVendorsReset() throws Exception {
        fx.seed(BURST_WITH_FEEDBACK);
        fx.send(request("a").build());
        DispatchedCall a = fx.dispatched().get(0);

        fx.advance(100);
        fx.result(TopologyFixture.resultOf(a, Outcome.RATE_LIMITED, 429, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "3")));
        fx.send(request("b").build());
        fx.advance(2850);

        DelayedCall requeued = fx.delayed().get(0);
        assertThat(requeued.getRequest().getRequestId()).isEqualTo("a");
        assertThat(requeued.getAttempt()).isEqualTo(2);
        assertThat(requeued.getBindingRule()).isEqualTo("vendor-pause");
        assertThat(requeued.getNotBefore()).isEqualTo(TopologyFixture.T0.plusMillis(3100));
        assertThat(fx.dispatchedIds()).containsExactly("a");

        fx.advance(200);
        assertThat(fx.dispatchedIds()).containsExactly("a", "a", "b");
        assertThat(fx.dispatched().get(1).getAttempt()).isEqualTo(2);
        assertThat(fx.metrics.count("tollgate_requeued_total", "outcome=\"RATE_LIMITED\"")).isEqualTo(1);
    }

    @Test
    void shouldPutAStaleDispatchBackAtTheHeadOfItsLaneWithoutCountingAnAttempt() throws Exception {
        fx.seed(BURST_WITH_FEEDBACK);
        IntStream.range(0, 7).forEach(i -> fx.send(request("r" + i).build()));
        DispatchedCall r0 = fx.dispatched().get(0);

        fx.result(TopologyFixture.resultOf(r0, Outcome.STALE, null, Map.of()));
        fx.advance(2000);

        assertThat(fx.dispatchedIds()).containsExactly("r0", "r1", "r2", "r3", "r4", "r0", "r5", "r6");
        assertThat(fx.dispatched().get(5).getAttempt()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreADuplicateResult() throws Exception {
        fx.seed(BURST_WITH_FEEDBACK);
        fx.send(request("a").build());
        DispatchedCall a = fx.dispatched().get(0);

        fx.result(TopologyFixture.resultOf(a, Outcome.RATE_LIMITED, 429, Map.of()));
        fx.result(TopologyFixture.resultOf(a, Outcome.RATE_LIMITED, 429, Map.of()));
        fx.advance(3000);

        assertThat(fx.dispatchedIds()).containsExactly("a", "a");
        assertThat(fx.delayed()).hasSize(1);
    }

    @Test
    void shouldAdoptALowerRemainingAllowanceFromTheVendorsHeaders() throws Exception {
        fx.seed(BURST_WITH_FEEDBACK);
        fx.send(request("a").build());
        // Someone outside Tollgate used the same token: the vendor has 1 left where Tollgate thinks 4.
        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.SUCCESS, 200, Map.of("x-ratelimit-remaining", "1", "x-ratelimit-reset", "2")));
        IntStream.range(0, 3).forEach(i -> fx.send(request("n" + i).build()));

        assertThat(fx.dispatchedIds()).containsExactly("a", "n0");
    }

    @Test
    void shouldReleaseAConcurrencyPermitWhenTheResultArrivesAndDispatchTheNextAtOnce() throws Exception {
        fx.seed("""
                include: [forms-platform.yaml]
                accounts: [{id: acme, policy: forms-platform, timeZone: Australia/Sydney}]
                """);
        IntStream.range(0, 5).forEach(i -> fx.send(request("c" + i).setApiVersion(null).setPath("/api/sources").build()));
        assertThat(fx.dispatchedIds()).containsExactly("c0", "c1", "c2");
        assertThat(fx.delayed()).first().extracting(DelayedCall::getBindingRule).isEqualTo("concurrent-connections");

        fx.result(TopologyFixture.resultOf(fx.dispatched().get(1), Outcome.SUCCESS, 200, Map.of()));

        assertThat(fx.dispatchedIds()).containsExactly("c0", "c1", "c2", "c3");
    }

    @Test
    void shouldStopACredentialTheVendorBlockedAndRaiseTheAlert() throws Exception {
        fx.seed(BURST_WITH_FEEDBACK);
        fx.send(request("a").build());

        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.BLOCKED, 403, Map.of()));
        fx.send(request("b").build());
        fx.send(request("other-token").setCredentialRef("cred-2").setIntegration("other").build());
        fx.advance(60_000);

        assertThat(fx.dispatchedIds()).containsExactly("a", "other-token");
        assertThat(fx.metrics.count("tollgate_blocked_total", "")).isEqualTo(1);
    }

    @Test
    void shouldApplyAChangedLimitWithoutRestartIncludingToCallsAlreadyWaiting() throws Exception {
        fx.seed(BURST_WITH_FEEDBACK);
        IntStream.range(0, 12).forEach(i -> fx.send(request("r" + i).build()));
        assertThat(fx.dispatchedIds()).hasSize(5);

        fx.seed(BURST_WITH_FEEDBACK.replace("limit: 5", "limit: 10"));
        fx.advance(50);

        assertThat(fx.dispatchedIds()).hasSize(10);
        IntStream.range(12, 20).forEach(i -> fx.send(request("r" + i).build()));
        fx.advance(2000);
        assertThat(fx.dispatchedIds()).hasSize(20);
    }

    @Test
    void shouldRefuseAnInvalidPolicyRecordAndKeepThePreviousOne() throws Exception {
        fx.seed(BURST_WITH_FEEDBACK);
        Policy valid = PolicyFile.parse(BURST_WITH_FEEDBACK, "", LimiterSettings.DEFAULTS).policies().get(0);
        Policy broken = Policy.newBuilder(valid).build();
        ((SlidingWindow) broken.getRules().get(0).getLimit()).setWindowMs(-5);

        fx.putPolicy(broken);
        IntStream.range(0, 6).forEach(i -> fx.send(request("r" + i).build()));

        assertThat(fx.metrics.count("tollgate_policy_refused_total", "")).isEqualTo(1);
        assertThat(fx.dispatchedIds()).hasSize(5);
    }

    @Test
    void shouldRequeueACallThatDidNotReachTheVendorAndRejectItAfterMaxAttempts() throws Exception {
        fx.seed(BURST_WITH_FEEDBACK);
        fx.send(request("flaky").build());

        for (int attempt = 1; attempt <= 3; attempt++) {
            DispatchedCall call = fx.dispatched().get(attempt - 1);
            assertThat(call.getAttempt()).isEqualTo(attempt);
            fx.result(TopologyFixture.resultOf(call, Outcome.NETWORK_ERROR, null, Map.of()));
            fx.advance(1850);
            assertThat(fx.dispatchedIds()).as("the credential pauses before trying again").hasSize(attempt);
            fx.advance(200);
        }

        assertThat(fx.dispatchedIds()).containsExactly("flaky", "flaky", "flaky");
        assertThat(fx.delayed()).extracting(DelayedCall::getBindingRule).containsExactly("network-error", "network-error");
        assertThat(fx.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo("ATTEMPTS_EXHAUSTED");
            assertThat(r.getDetail()).contains("came back 3 times").contains("max.attempts is 3");
        });
    }

    @Test
    void shouldHoldTheNextWindowBackWhenCallsReachedTheVendorLaterThanTheirSlot() throws Exception {
        fx.close();
        fx = TopologyFixture.with().jitterMs(100).start();
        fx.seed(BURST_WITH_FEEDBACK);
        IntStream.range(0, 6).forEach(i -> fx.send(request("r" + i).build()));
        fx.advance(400);
        // r0..r4 were sent on time but answered 350 ms later: the vendor may have counted them at +350.
        for (DispatchedCall call : fx.dispatched().subList(0, 5)) {
            fx.result(DispatchResult.newBuilder(TopologyFixture.resultOf(call, Outcome.SUCCESS, 200, Map.of()))
                    .setExecuteAt(call.getExecuteAt()).setExecutedAt(call.getExecuteAt()).setLatencyMs(350).build());
        }

        fx.advance(1800);
        assertThat(fx.dispatchedIds()).as("on plan, r5 would have gone at 2100").hasSize(5);
        fx.advance(200);
        assertThat(fx.dispatchedIds()).hasSize(6);
        // Answered at +350, dated in whole milliseconds (up to 2 ms early): one window of 2 s after +352.
        assertThat(fx.dispatched().get(5).getExecuteAt()).isEqualTo(TopologyFixture.T0.plusMillis(352 - 100 + 2100));
        assertThat(fx.metrics.count("tollgate_late_arrivals_total", "")).isEqualTo(5);
    }

    @Test
    void shouldReuseAWindowOnlyOnceTheResultsOfItsCallsCameAndThenAtOnce() throws Exception {
        fx.close();
        fx = TopologyFixture.with().jitterMs(100).resultWaitMs(10_000).start();
        fx.seed(BURST_WITH_FEEDBACK);
        IntStream.range(0, 6).forEach(i -> fx.send(request("r" + i).build()));
        fx.advance(2500);
        assertThat(fx.dispatchedIds()).as("r0..r4 have no result yet: nobody knows when the vendor saw them").hasSize(5);

        // The results come late (a busy pipeline), and say the calls arrived on time: r5 goes at once.
        for (DispatchedCall call : fx.dispatched().subList(0, 5)) {
            fx.result(DispatchResult.newBuilder(TopologyFixture.resultOf(call, Outcome.SUCCESS, 200, Map.of()))
                    .setExecutedAt(call.getExecuteAt()).setLatencyMs(20).build());
        }
        assertThat(fx.dispatchedIds()).hasSize(6);
        assertThat(fx.dispatched().get(5).getExecuteAt()).isEqualTo(TopologyFixture.T0.plusMillis(2500));
    }

    @Test
    void shouldFreeACallOneWindowAfterTheVendorsAnswerNotAfterItsSlotsEnd() throws Exception {
        fx.close();
        fx = TopologyFixture.with().jitterMs(100).start();
        fx.seed(BURST_WITH_FEEDBACK);
        IntStream.range(0, 10).forEach(i -> fx.send(request("r" + i).build()));
        fx.advance(100);
        List<DispatchedCall> first = fx.dispatched().subList(0, 5);
        // r0..r3 answered 20 ms into their slot; r4 met a gateway's 503, which does not say when the vendor saw it.
        for (DispatchedCall call : first.subList(0, 4)) {
            fx.result(DispatchResult.newBuilder(TopologyFixture.resultOf(call, Outcome.SUCCESS, 200, Map.of()))
                    .setExecutedAt(call.getExecuteAt()).setLatencyMs(20).build());
        }
        fx.result(DispatchResult.newBuilder(TopologyFixture.resultOf(first.get(4), Outcome.HTTP_ERROR, 503, Map.of()))
                .setExecutedAt(first.get(4).getExecuteAt()).setLatencyMs(20).build());

        fx.advance(2100);

        assertThat(fx.dispatchedIds()).hasSize(10);
        assertThat(fx.dispatched().subList(5, 9)).as("one window after the answers to r0..r3 (+22 ms, rounding included)")
                .extracting(DispatchedCall::getExecuteAt).containsOnly(TopologyFixture.T0.plusMillis(22 + 2000));
        assertThat(fx.dispatched().get(9).getExecuteAt()).as("r4's place, bounded only by its slot's end: window plus jitter")
                .isEqualTo(TopologyFixture.T0.plusMillis(2100));
    }
}
