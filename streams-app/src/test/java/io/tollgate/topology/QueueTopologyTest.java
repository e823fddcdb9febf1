package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.config.StoreNames;
import io.tollgate.limiter.limit.WindowLog;
import io.tollgate.topology.store.SubjectCounters;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Waiting: order, priority, fairness between integrations, deadlines and maximum waits. */
class QueueTopologyTest {

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
    void shouldServeHigherPriorityFirstThenSubmissionOrderAndNeverLetANewCallOvertake() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: burst, key: credential, slidingWindow: {limit: 1, window: 1s}}]
                accounts: [{id: acme, policy: p}]
                """);

        fx.send(request("a").build());
        fx.send(request("low-1").build());
        fx.send(request("low-2").build());
        fx.send(request("high").setPriority(10).build());
        fx.advance(500);
        fx.send(request("late").build());
        for (int i = 0; i < 5; i++) {
            fx.advance(1000);
        }

        assertThat(fx.dispatchedIds()).containsExactly("a", "high", "low-1", "low-2", "late");
        assertThat(fx.dispatched()).extracting(d -> d.getExecuteAt().toEpochMilli() - TopologyFixture.T0.toEpochMilli())
                .containsExactly(0L, 1000L, 2000L, 3000L, 4000L);
    }

    @Test
    void shouldLetTwoIntegrationsSharingABudgetBothProgressWhenOneFloods() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: budget, key: account, slidingWindow: {limit: 10, window: 1s}}]
                accounts: [{id: acme, policy: p}]
                """);

        // The flood comes first and is ten times larger.
        IntStream.range(0, 300).forEach(i -> fx.send(request("flood-" + i).setIntegration("bulk-import").setCredentialRef("c-bulk").build()));
        IntStream.range(0, 30).forEach(i -> fx.send(request("small-" + i).setIntegration("crm-sync").setCredentialRef("c-crm").build()));
        for (int i = 0; i < 6; i++) {
            fx.advance(1000);
        }

        List<String> ids = fx.dispatchedIds();
        long small = ids.stream().filter(id -> id.startsWith("small-")).count();
        long flood = ids.stream().filter(id -> id.startsWith("flood-")).count();
        assertThat(ids).hasSize(70);
        // First 10 went before anyone waited; then the two lanes alternate: 30 each over 6 windows.
        assertThat(small).isEqualTo(30);
        assertThat(flood).isEqualTo(40);
        assertThat(ids.stream().filter(id -> id.startsWith("small-")).toList())
                .isEqualTo(IntStream.range(0, 30).mapToObj(i -> "small-" + i).toList());
    }

    @Test
    void shouldServeEveryLaneInTurnWhenTheAccountsBudgetLetsOneCallGoAtATime() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: budget, key: account, slidingWindow: {limit: 1, window: 1s}}]
                accounts: [{id: acme, policy: p}]
                """);
        fx.send(request("first").setIntegration("lane-0").build());
        for (int lane = 0; lane < 4; lane++) {
            for (int i = 0; i < 3; i++) {
                fx.send(request("lane-" + lane + "-call-" + i).setIntegration("lane-" + lane).setCredentialRef("c-" + lane).build());
            }
        }
        for (int second = 0; second < 4; second++) {
            fx.advance(1000);
        }

        List<String> waited = fx.dispatchedIds().subList(1, fx.dispatchedIds().size());
        assertThat(waited).as("one call a second, each lane in turn (with an even number of lanes, half of them used to starve)")
                .hasSize(4).extracting(id -> id.substring(0, "lane-0".length())).containsExactlyInAnyOrder("lane-0", "lane-1", "lane-2", "lane-3");
    }

    @Test
    void shouldTellACallThatQueuedBehindOthersWhichRuleHoldsItOnceItIsFirstInLine() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: slow, key: credential, slidingWindow: {limit: 1, window: 5m}, maxWait: 1h}]
                accounts: [{id: acme, policy: p}]
                """);
        fx.send(request("first").build());
        fx.send(request("second").build());
        fx.send(request("third").build());
        fx.jump(300_000);
        fx.advance(100);

        assertThat(fx.dispatchedIds()).containsExactly("first", "second");
        assertThat(fx.delayed()).filteredOn(d -> d.getRequest().getRequestId().equals("third"))
                .as("queued behind 'second', then held by the window once first in line")
                .extracting(DelayedCall::getBindingRule).containsExactly("queue", "slow");
        assertThat(fx.delayed()).filteredOn(d -> d.getRequest().getRequestId().equals("second"))
                .as("told once: the same rule holds it until it goes").extracting(DelayedCall::getBindingRule).containsExactly("slow");
    }

    @Test
    void shouldGiveHeavierIntegrationsTheirWeightOfAContendedBudget() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: budget, key: account, slidingWindow: {limit: 8, window: 1s}}]
                accounts: [{id: acme, policy: p, integrationWeights: {important: 3}}]
                """);
        fx.send(request("first").setIntegration("other").build());
        IntStream.range(0, 8).forEach(i -> fx.send(request("filler-" + i).setIntegration("other").build()));
        IntStream.range(0, 40).forEach(i -> fx.send(request("imp-" + i).setIntegration("important").setCredentialRef("c2").build()));
        IntStream.range(0, 40).forEach(i -> fx.send(request("oth-" + i).setIntegration("other").build()));
        fx.advance(1000);
        fx.advance(1000);

        List<String> second = fx.dispatchedIds().subList(8, 24);
        long important = second.stream().filter(id -> id.startsWith("imp-")).count();
        assertThat(important).isEqualTo(12);
    }

    @Test
    void shouldRejectAWaitingCallWhenItsDeadlinePassesWhereverItWaits() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: burst, key: credential, slidingWindow: {limit: 1, window: 10s}}]
                accounts: [{id: acme, policy: p}]
                """);

        fx.send(request("first").build());
        fx.send(request("second").build());
        fx.send(request("urgent").setDeadline(TopologyFixture.T0.plusMillis(25_000)).build());
        fx.send(request("hopeless").setDeadline(TopologyFixture.T0.plusMillis(5_000)).build());
        fx.advance(6_000);

        List<RejectedCall> rejected = fx.rejected();
        assertThat(rejected).extracting(RejectedCall::getRequestId).containsExactly("hopeless");
        assertThat(rejected.get(0).getReason()).isEqualTo("DEADLINE_PASSED");
        for (int i = 0; i < 3; i++) {
            fx.advance(10_000);
        }
        assertThat(fx.dispatchedIds()).containsExactly("first", "second", "urgent");
    }

    @Test
    void shouldRejectACallWhoseWaitWouldExceedTheRulesMaximumSayingWhenItCouldHaveGone() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: daily, key: account, dailyQuota: {limit: 2, zone: UTC}, maxWait: 1h}]
                accounts: [{id: acme, policy: p}]
                """);

        fx.send(request("a").build());
        fx.send(request("b").build());
        fx.send(request("c").build());

        assertThat(fx.dispatchedIds()).containsExactly("a", "b");
        assertThat(fx.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo("WAIT_EXCEEDS_MAX");
            assertThat(r.getRuleId()).isEqualTo("daily");
            assertThat(r.getCouldGoAt()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
            assertThat(r.getRequest().getRequestId()).isEqualTo("c");
        });
    }

    @Test
    void shouldKeepWaitingCallsInRocksDbAndCountersBounded() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: burst, key: credential, slidingWindow: {limit: 20, window: 2s}}]
                accounts: [{id: acme, policy: p}]
                """);

        IntStream.range(0, 500).forEach(i -> fx.send(request("r" + i).build()));
        fx.advance(2000);

        KeyValueStore<Bytes, byte[]> waiting = fx.driver.getKeyValueStore(StoreNames.WAITING);
        assertThat(count(waiting)).isEqualTo(460);
        KeyValueStore<Bytes, byte[]> state = fx.driver.getKeyValueStore(StoreNames.COUNTERS);
        SubjectCounters counters = SubjectCounters.decode(state.all().next().value);
        assertThat(counters.keys()).containsExactly("burst");
        WindowLog log = (WindowLog) counters.get("burst");
        assertThat(log.total()).isEqualTo(20);
        assertThat(log.size()).isLessThanOrEqualTo(20);
        assertThat(fx.dispatched()).extracting(DispatchedCall::getAttempt).containsOnly(1);
    }

    @Test
    void shouldReleaseEveryKeyThatIsDueInTheSamePunctuationRatherThanOneAfterAnother() throws Exception {
        fx.close();
        fx = TopologyFixture.with().defaultPolicy("p").start();
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: burst, key: credential, slidingWindow: {limit: 1, window: 1s}}]
                """);
        for (int a = 0; a < 50; a++) {
            fx.send(request("first-" + a).setAccount("acct-" + a).build());
            fx.send(request("second-" + a).setAccount("acct-" + a).build());
        }
        assertThat(fx.dispatchedIds()).hasSize(50);

        fx.advance(1000);

        assertThat(fx.dispatched()).hasSize(100);
        assertThat(fx.dispatched().subList(50, 100)).extracting(d -> d.getExecuteAt().toEpochMilli() - TopologyFixture.T0.toEpochMilli())
                .containsOnly(1000L);
    }

    private static long count(KeyValueStore<Bytes, byte[]> store) {
        long n = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
