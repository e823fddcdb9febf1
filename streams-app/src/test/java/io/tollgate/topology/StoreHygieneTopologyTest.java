package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.Outcome;
import io.tollgate.config.StoreNames;
import io.tollgate.limiter.limit.LimitStateCodec;
import io.tollgate.limiter.limit.WindowLog;
import io.tollgate.topology.store.InFlightCall;
import io.tollgate.topology.store.Keys;
import io.tollgate.topology.store.LedgerEntry;
import io.tollgate.topology.store.SubjectCounters;
import io.tollgate.topology.store.ValueCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nothing waits or stays in a store longer than it must: deadlines are found wherever a call waits, idle counters go. */
class StoreHygieneTopologyTest {

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
    void shouldRejectACallWhoseDeadlineHasPassedWhileItWaitsBehindTheHeadOfItsLane() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: slow, key: credential, slidingWindow: {limit: 1, window: 10s}}]
                accounts: [{id: acme, policy: p}]
                """);
        fx.send(request("first").build());
        fx.send(request("head").build());
        fx.advance(1000);

        // Already past when it arrives, behind a head that waits nine more seconds.
        fx.send(request("late").setDeadline(TopologyFixture.T0.plusMillis(500)).build());
        fx.advance(100);

        assertThat(fx.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo("late");
            assertThat(r.getReason()).isEqualTo("DEADLINE_PASSED");
        });
        assertThat(fx.dispatchedIds()).containsExactly("first");
    }

    @Test
    void shouldDeleteCountersOfSubjectsThatStoppedCallingAndKeepTheOthers() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules:
                      - {id: per-user, key: user, slidingWindow: {limit: 5, window: 2s}}
                      - {id: daily, key: account, dailyQuota: {limit: 1000}}
                accounts: [{id: acme, policy: p}]
                """);
        IntStream.range(0, 50).forEach(i -> fx.send(request("r" + i).setUser("user-" + i).build()));
        assertThat(keys()).hasSize(51);

        fx.advance(12_000);

        assertThat(keys()).as("the day's count stays; the users' windows are long over").singleElement()
                .satisfies(k -> assertThat(k).startsWith("acme\u0000daily\u0000"));
        assertThat(fx.metrics.count("tollgate_states_swept_total", "")).isEqualTo(50);
    }

    @Test
    void shouldForgetRequestIdsAndCallsInFlightAfterTheRetention() throws Exception {
        fx.close();
        fx = TopologyFixture.with().retentionMs(30_000).start();
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: burst, key: credential, slidingWindow: {limit: 100, window: 2s}}]
                accounts: [{id: acme, policy: p}]
                """);
        IntStream.range(0, 20).forEach(i -> fx.send(request("r" + i).build()));
        fx.send(request("r0").build());
        assertThat(fx.rejected()).singleElement().satisfies(r -> assertThat(r.getReason()).isEqualTo("DUPLICATE_REQUEST"));
        assertThat(count(StoreNames.CALL_LEDGER)).as("one entry per call: its id, and the call while it is in flight").isEqualTo(20);
        assertThat(callsInFlight()).isEqualTo(20);

        fx.advance(41_000);

        assertThat(count(StoreNames.CALL_LEDGER)).isZero();
        fx.send(request("r0").build());
        assertThat(fx.dispatchedIds()).as("an id is a duplicate only within the retention").endsWith("r0");
    }

    @Test
    void shouldKeepTheCountersRequestIdsAndCallsInFlightOfTheStoresOfTheReleaseBeforeAcrossAnUpgrade() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: burst, key: credential, slidingWindow: {limit: 2, window: 10s}}]
                accounts: [{id: acme, policy: p}]
                """);
        long t0 = TopologyFixture.T0.toEpochMilli();
        // What the release before left in its stores: a full window, an id it saw, a call still in flight.
        fx.driver.<Bytes, byte[]>getKeyValueStore(StoreNames.LEGACY_LIMIT_STATE).put(Keys.joined("acme", "burst", "credential:cred-1"),
                LimitStateCodec.encode(WindowLog.of(new long[] {t0 - 2000, t0 - 1000}, new long[] {1, 1})));
        fx.driver.<Bytes, byte[]>getKeyValueStore(StoreNames.LEGACY_REQUEST_IDS).put(Keys.joined("acme", "seen-before"),
                java.nio.ByteBuffer.allocate(8).putLong(t0 - 5000).array());
        fx.driver.<Bytes, byte[]>getKeyValueStore(StoreNames.LEGACY_IN_FLIGHT).put(Keys.joined("acme", "flying"),
                ValueCodec.encodeInFlight(new InFlightCall(1, 1, t0 - 1000, t0 - 1000, t0 - 1000, 0, List.of())));

        fx.send(request("seen-before").build());
        fx.send(request("new").build());
        fx.result(DispatchResult.newBuilder().setRequestId("flying").setAccount("acme").setCredentialRef("cred-1")
                .setOutcome(Outcome.SUCCESS).setStatus(200).setLatencyMs(5).setHeaders(java.util.Map.of())
                .setExecuteAt(java.time.Instant.ofEpochMilli(t0 - 1000)).setExecutedAt(java.time.Instant.ofEpochMilli(t0 - 1000))
                .setAttempt(1).setRequest(request("flying").build()).setCharges(List.of()).build());

        assertThat(fx.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo("seen-before");
            assertThat(r.getReason()).isEqualTo("DUPLICATE_REQUEST");
        });
        assertThat(fx.dispatchedIds()).as("the window the release before filled is still full").isEmpty();
        assertThat(fx.delayed()).extracting(d -> d.getRequest().getRequestId()).containsExactly("new");
        assertThat(fx.metrics.count("tollgate_unmatched_results_total", "")).as("the call in flight's result is its own").isZero();
        for (String legacy : List.of(StoreNames.LEGACY_LIMIT_STATE, StoreNames.LEGACY_REQUEST_IDS, StoreNames.LEGACY_IN_FLIGHT)) {
            assertThat(count(legacy)).as(legacy).isZero();
        }
    }

    @Test
    void shouldKeepTheLogOfAccountsInForceOnlyAndForgetItAWeekAfterTheirLastCall() throws Exception {
        fx.seed("""
                policies:
                  - id: p
                    rules: [{id: burst, key: credential, slidingWindow: {limit: 1, window: 2s}}]
                    maxWait: 1s
                accounts: [{id: acme, policy: p}]
                """);
        fx.send(request("ok").build());
        fx.send(request("refused").build());
        fx.send(request("stranger").setAccount("made-up-" + "x".repeat(50)).build());
        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.SUCCESS, 200, java.util.Map.of()));
        fx.advance(100);

        assertThat(fx.rejected()).extracting(r -> r.getRequestId()).containsExactlyInAnyOrder("refused", "stranger");
        assertThat(count(StoreNames.ACTIVITY)).as("acme only: an unknown account gets no log").isEqualTo(1);
        List<io.tollgate.activity.CallRecord> log = new ArrayList<>();
        KeyValueStore<Bytes, byte[]> calls = fx.driver.getKeyValueStore(StoreNames.RECENT_CALLS);
        try (KeyValueIterator<Bytes, byte[]> it = calls.all()) {
            it.forEachRemaining(kv -> log.add(io.tollgate.activity.ActivityCodec.decodeCall(kv.value)));
        }
        assertThat(log).extracting(io.tollgate.activity.CallRecord::requestId, io.tollgate.activity.CallRecord::outcome)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ok", "SUCCESS"),
                        org.assertj.core.groups.Tuple.tuple("refused", "REJECTED"));

        fx.jump(io.tollgate.topology.store.LimiterStores.ACTIVITY_RETENTION_MS + 60_000);
        fx.advance(2_000);

        assertThat(count(StoreNames.ACTIVITY)).isZero();
        assertThat(count(StoreNames.RECENT_CALLS)).isZero();
    }

    private long count(String store) {
        KeyValueStore<Bytes, byte[]> kv = fx.driver.getKeyValueStore(store);
        try (KeyValueIterator<Bytes, byte[]> it = kv.all()) {
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return n;
        }
    }

    /** Every counter, as "account NUL rule NUL subject". */
    private List<String> keys() {
        KeyValueStore<Bytes, byte[]> store = fx.driver.getKeyValueStore(StoreNames.COUNTERS);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                String[] accountAndSubject = new String(kv.key.get(), java.nio.charset.StandardCharsets.UTF_8).split("\u0000", 2);
                SubjectCounters.decode(kv.value).keys().forEach(rule -> keys.add(accountAndSubject[0] + "\u0000" + rule + "\u0000"
                        + accountAndSubject[1]));
            }
        }
        return keys;
    }

    private long callsInFlight() {
        KeyValueStore<Bytes, byte[]> kv = fx.driver.getKeyValueStore(StoreNames.CALL_LEDGER);
        try (KeyValueIterator<Bytes, byte[]> it = kv.all()) {
            long n = 0;
            while (it.hasNext()) {
                n += LedgerEntry.isInFlight(it.next().value) ? 1 : 0;
            }
            return n;
        }
    }
}
