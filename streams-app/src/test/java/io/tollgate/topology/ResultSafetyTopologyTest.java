package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.avro.RejectedCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Results act on the dispatch they report on and on nothing else: a late or repeated result cannot
 * requeue a later dispatch, a call that keeps coming back is stopped, charges of calls the vendor never
 * saw are given back, and a vendor's header cannot pause a credential for ever.
 */
class ResultSafetyTopologyTest {

    private static final String POLICY = """
            policies:
              - id: p
                maxWait: 1h
                exemptions: [{categories: [webhook]}]
                rules:
                  - id: burst
                    key: credential
                    slidingWindow: {limit: 5, window: 2s}
                    feedback: {remaining: x-ratelimit-remaining, reset: x-ratelimit-reset}
                  - {id: daily, key: account, dailyQuota: {limit: 3}, match: {methods: [POST]}}
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
    void shouldApplyAResultToItsOwnDispatchAndNeverToALaterOne() throws Exception {
        fx.seed(POLICY);
        fx.send(request("post").setMethod("POST").build());
        DispatchedCall first = fx.dispatched().get(0);
        fx.advance(100);
        fx.result(TopologyFixture.resultOf(first, Outcome.STALE, null, Map.of()));
        DispatchedCall second = fx.dispatched().get(1);
        assertThat(second.getExecuteAt()).isAfter(first.getExecuteAt());

        // The dispatcher delivers results at least once: the first STALE comes again, late, while the
        // second dispatch is in flight. It must not send the POST a third time.
        fx.result(TopologyFixture.resultOf(first, Outcome.STALE, null, Map.of()));
        fx.advance(100);
        assertThat(fx.dispatchedIds()).containsExactly("post", "post");
        assertThat(fx.metrics.count("tollgate_unmatched_results_total", "")).isEqualTo(1);

        // The second dispatch's own result still counts: a 429 sends it back once more.
        fx.result(TopologyFixture.resultOf(second, Outcome.RATE_LIMITED, 429, Map.of("retry-after", "1")));
        fx.advance(1100);
        assertThat(fx.dispatchedIds()).containsExactly("post", "post", "post");
        assertThat(fx.dispatched().get(2).getAttempt()).isEqualTo(2);
    }

    @Test
    void shouldStopACallThatKeepsComingBackStale() throws Exception {
        fx.seed(POLICY);
        fx.send(request("late").build());

        for (int i = 0; i < 5; i++) {
            List<DispatchedCall> sent = fx.dispatched();
            fx.result(TopologyFixture.resultOf(sent.get(sent.size() - 1), Outcome.STALE, null, Map.of()));
            fx.advance(100);
        }

        assertThat(fx.dispatchedIds()).as("max.stale.returns is 4 in the fixture").hasSize(5);
        assertThat(fx.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo("ATTEMPTS_EXHAUSTED");
            assertThat(r.getDetail()).contains("came back STALE 5 times").contains("max.stale.returns is 4");
        });
    }

    @Test
    void shouldNotCountAWaitForAConcurrencyPermitAsAStaleReturn() throws Exception {
        fx.seed(POLICY);
        fx.send(request("behind-a-slow-call").build());

        for (int i = 0; i < 6; i++) {
            List<DispatchedCall> sent = fx.dispatched();
            DispatchResult waited = TopologyFixture.resultOf(sent.get(sent.size() - 1), Outcome.STALE, null, Map.of());
            waited.setWaitedForPermit(true);
            fx.result(waited);
            fx.advance(100);
        }

        assertThat(fx.dispatchedIds()).as("max.stale.returns is 4 in the fixture; a busy vendor is not a late dispatcher").hasSize(7);
        assertThat(fx.rejected()).isEmpty();
        assertThat(fx.delayed()).last().satisfies(d -> assertThat(d.getDetail()).contains("no concurrency permit freed"));
        assertThat(fx.dispatched().get(6).getAttempt()).as("it was never sent, so it made no attempt").isEqualTo(1);
    }

    @Test
    void shouldCountTheWholeWaitOfACallThatComesBackAgainstItsMaximumWait() throws Exception {
        fx.seed(POLICY.replace("maxWait: 1h", "maxWait: 1s"));
        fx.send(request("slow").build());

        for (int i = 0; i < 3; i++) {
            List<DispatchedCall> sent = fx.dispatched();
            fx.advance(400);
            fx.result(TopologyFixture.resultOf(sent.get(sent.size() - 1), Outcome.STALE, null, Map.of()));
        }

        assertThat(fx.dispatchedIds()).hasSize(3);
        assertThat(fx.rejected()).singleElement().satisfies(r -> assertThat(r.getReason()).isEqualTo("WAIT_EXCEEDS_MAX"));
    }

    @Test
    void shouldGiveBackWhatCallsTheVendorNeverSawWereCharged() throws Exception {
        fx.seed(POLICY);
        IntStream.range(0, 3).forEach(i -> fx.send(request("p" + i).setMethod("POST").build()));
        List<DispatchedCall> first = List.copyOf(fx.dispatched());
        assertThat(first).hasSize(3);

        // The dispatcher was away: all three come back STALE. Their charges to the daily quota are given
        // back, so they go again today instead of waiting for tomorrow's quota.
        first.forEach(d -> fx.result(TopologyFixture.resultOf(d, Outcome.STALE, null, Map.of())));
        fx.advance(100);
        assertThat(fx.dispatchedIds()).containsExactly("p0", "p1", "p2", "p0", "p1", "p2");

        // NOT_SENT (an unknown credential, say) ends the call and gives its charge back: one more fits today.
        fx.result(TopologyFixture.resultOf(fx.dispatched().get(3), Outcome.NOT_SENT, null, Map.of()));
        fx.send(request("p3").setMethod("POST").build());
        fx.send(request("p4").setMethod("POST").build());
        assertThat(fx.dispatchedIds()).containsExactly("p0", "p1", "p2", "p0", "p1", "p2", "p3");
        assertThat(fx.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo("p4");
            assertThat(r.getRuleId()).isEqualTo("daily");
        });
        assertThat(fx.metrics.count("tollgate_refunds_total", "outcome=\"STALE\"")).isEqualTo(3);
    }

    @Test
    void shouldKeepTheChargesOfAStaleCallThatAnEarlierDispatcherMayHaveSent() throws Exception {
        fx.seed(POLICY);
        IntStream.range(0, 3).forEach(i -> fx.send(request("p" + i).setMethod("POST").build()));

        // Received after its slot by a new owner of the partition: the dispatcher cannot say whether it was sent.
        DispatchResult unknown = TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.STALE, null, Map.of());
        unknown.setSent(null);
        fx.result(unknown);
        fx.advance(100);

        assertThat(fx.metrics.count("tollgate_refunds_total", "outcome=\"STALE\"")).isZero();
        assertThat(fx.dispatchedIds()).as("the quota of 3 is spent: it waits for tomorrow's").containsExactly("p0", "p1", "p2");
    }

    @Test
    void shouldGiveBackWhatTheLimiterChargedAndNotWhatAResultClaims() throws Exception {
        fx.seed(POLICY);
        IntStream.range(0, 3).forEach(i -> fx.send(request("p" + i).setMethod("POST").build()));

        DispatchResult inflated = TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.NOT_SENT, null, Map.of());
        inflated.getCharges().forEach(c -> c.setUnits(1_000_000L));
        fx.result(inflated);
        IntStream.range(3, 6).forEach(i -> fx.send(request("p" + i).setMethod("POST").build()));

        assertThat(fx.dispatchedIds()).as("one unit given back, not a million").containsExactly("p0", "p1", "p2", "p3");
    }

    @Test
    void shouldHoldExemptCallsToo_WhileTheVendorPausesTheirCredential() throws Exception {
        fx.seed(POLICY);
        fx.send(request("a").build());
        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.BLOCKED, 403, Map.of()));

        fx.send(request("hook").setCategory("webhook").build());
        fx.advance(1000);

        assertThat(fx.dispatchedIds()).containsExactly("a");
        assertThat(fx.delayed()).extracting(DelayedCall::getBindingRule).contains("vendor-pause");
    }

    @Test
    void shouldCapAVendorsRetryAfterAtADay() throws Exception {
        fx.seed(POLICY);
        fx.send(request("a").build());

        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.RATE_LIMITED, 429, Map.of("retry-after", "1e300", "x-ratelimit-reset", "NaN")));
        fx.send(request("b").build());
        fx.advance(100);

        // A day is beyond the policy's maximum wait of an hour: both calls end with the time they could have gone.
        assertThat(fx.rejected()).extracting(RejectedCall::getReason).containsOnly("WAIT_EXCEEDS_MAX");
        assertThat(fx.rejected()).allSatisfy(r -> assertThat(r.getCouldGoAt())
                .isEqualTo(TopologyFixture.T0.plus(Duration.ofDays(1))));
    }

    @Test
    void shouldRefuseAResultThatCarriesAnotherRequestThanItReportsOn() throws Exception {
        fx.seed(POLICY);
        fx.send(request("a").build());
        DispatchedCall a = fx.dispatched().get(0);

        DispatchResult forged = TopologyFixture.resultOf(a, Outcome.RATE_LIMITED, 429, Map.of());
        forged.setRequest(request("a").setPath("/v1/deals?api_token=stolen").build());
        fx.result(forged);
        DispatchResult overflowing = TopologyFixture.resultOf(a, Outcome.SUCCESS, 200, Map.of());
        overflowing.setLatencyMs(Long.MAX_VALUE);
        fx.result(overflowing);
        fx.advance(3000);

        assertThat(fx.dispatchedIds()).containsExactly("a");
        assertThat(fx.rejected()).extracting(RejectedCall::getReason).containsExactly("UNDECODABLE_RESULT", "UNDECODABLE_RESULT");
        assertThat(fx.rejected()).allSatisfy(r -> assertThat(r.toString()).doesNotContain("stolen"));
    }
}
