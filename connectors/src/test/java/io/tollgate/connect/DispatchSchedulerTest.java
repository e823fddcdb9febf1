package io.tollgate.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.avro.Permit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slots: never before execute_at, never after expires_at, offsets only after the result is written. */
class DispatchSchedulerTest {

    private static final TopicPartition TP = new TopicPartition("tollgate.dispatch", 0);

    @TempDir
    Path dir;
    private LocalHttpServer vendor;
    private MockProducer<String, SpecificRecord> producer;
    private OffsetTracker offsets;
    private DispatchScheduler scheduler;
    private VendorSender sender;

    @BeforeEach
    void start() throws Exception {
        vendor = new LocalHttpServer();
        Map<String, String> props = Fixtures.config(vendor.url(), Fixtures.credentials(dir));
        HttpDispatchSinkConfig config = new HttpDispatchSinkConfig(props);
        FileConfigProvider provider = new FileConfigProvider();
        provider.configure(Map.of());
        sender = new VendorSender(config, new CredentialResolver(provider, props.get(HttpDispatchSinkConfig.CREDENTIALS_PATH),
                "raw", 60_000, System::currentTimeMillis), System::currentTimeMillis);
        Serializer<SpecificRecord> values = (topic, data) -> new byte[0];
        producer = new MockProducer<>(false, null, new StringSerializer(), values);
        offsets = new OffsetTracker();
        scheduler = new DispatchScheduler(sender, new ResultPublisher(producer, "tollgate.results"), offsets, System::currentTimeMillis, 10);
    }

    @AfterEach
    void stop() {
        scheduler.close();
        vendor.close();
    }

    @Test
    void shouldSendNotBeforeTheSlotOpensAndCommitOnlyOnceTheResultIsWritten() {
        long executeAt = System.currentTimeMillis() + 400;
        scheduler.submit(TP, 7, Fixtures.dispatched(Fixtures.request("r").build(), executeAt, 100));

        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        assertThat(vendor.received).singleElement().satisfies(r -> assertThat(r.atMs()).isGreaterThanOrEqualTo(executeAt));
        assertThat(offsets.committable(List.of(TP))).containsEntry(TP, new OffsetAndMetadata(7));

        producer.completeNext();

        assertThat(offsets.committable(List.of(TP))).containsEntry(TP, new OffsetAndMetadata(8));
        assertThat(((DispatchResult) producer.history().get(0).value()).getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(producer.history().get(0).key()).isEqualTo("acme");
    }

    @Test
    void shouldReturnACallThatArrivesAfterItsSlotAsStaleWithoutSendingIt() {
        long executeAt = System.currentTimeMillis() - 1000;
        scheduler.submit(TP, 3, Fixtures.dispatched(Fixtures.request("late").build(), executeAt, 100));

        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        producer.completeNext();

        DispatchResult result = (DispatchResult) producer.history().get(0).value();
        assertThat(result.getOutcome()).isEqualTo(Outcome.STALE);
        assertThat(result.getSent()).as("received after its slot: an earlier owner may have been sending it").isNull();
        assertThat(result.getWaitedForPermit()).as("late, not held back by a busy vendor").isFalse();
        assertThat(result.getRequest().getRequestId()).isEqualTo("late");
        assertThat(vendor.received).isEmpty();
        assertThat(offsets.committable(List.of(TP))).containsEntry(TP, new OffsetAndMetadata(4));
    }

    @Test
    void shouldSayThatACallWaitedForAConcurrencyPermitWhenNoneFreedWithinItsSlot() {
        vendor.answers = r -> new LocalHttpServer.Answer(200, "application/json", "{}", Map.of(), 1_500);
        long slot = System.currentTimeMillis() + 200;
        scheduler.submit(TP, 0, withOnePermit(Fixtures.dispatched(Fixtures.request("slow").build(), slot, 400)));
        scheduler.submit(TP, 1, withOnePermit(Fixtures.dispatched(Fixtures.request("behind").build(), slot + 100, 400)));

        await().atMost(Duration.ofSeconds(5)).until(() -> !producer.history().isEmpty());

        DispatchResult behind = (DispatchResult) producer.history().get(0).value();
        assertThat(behind.getRequestId()).isEqualTo("behind");
        assertThat(behind.getOutcome()).isEqualTo(Outcome.STALE);
        assertThat(behind.getSent()).isFalse();
        assertThat(behind.getWaitedForPermit()).as("flow control: the limiter must not count it as a dispatcher too late").isTrue();
        assertThat(vendor.received).hasSize(1);
    }

    @Test
    void shouldLookForAPreviousOwnersResultsWithoutHoldingBackTheCallsOfOtherPartitions() {
        CountDownLatch lookupMayEnd = new CountDownLatch(1);
        List<String> askedAbout = new CopyOnWriteArrayList<>();
        scheduler.close();
        scheduler = new DispatchScheduler(sender, new ResultPublisher(producer, "tollgate.results"), offsets, System::currentTimeMillis, 10,
                (account, dispatches, sentSinceMs) -> {
                    askedAbout.addAll(dispatches);
                    try {
                        lookupMayEnd.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return dispatches; // the previous owner finished them
                });
        TopicPartition other = new TopicPartition("tollgate.dispatch", 1);
        scheduler.assign(List.of(TP, other));
        long now = System.currentTimeMillis();

        // Its slot opened before this task had the partition: perhaps the previous owner's, and under way there.
        scheduler.submit(TP, 0, withOnePermit(Fixtures.dispatched(Fixtures.request("redelivered").build(), now - 1_000, 20_000)));
        scheduler.submit(TP, 1, withOnePermit(Fixtures.dispatched(Fixtures.request("next").build(), now + 100, 5_000)));
        scheduler.submit(other, 0, Fixtures.dispatched(Fixtures.request("elsewhere").setAccount("globex").build(), now + 100, 300));

        await().atMost(Duration.ofSeconds(5)).until(() -> vendor.received.size() == 1);
        assertThat(askedAbout).as("the look is under way").contains(PermitGate.dispatchOf("redelivered", now - 1_000));
        // Until the look ends, the account's one permit may still be held where the redelivered call was started.
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> vendor.received.size() == 1);
        assertThat(offsets.committable(List.of(TP))).as("undecided, so uncommitted").containsEntry(TP, new OffsetAndMetadata(0));

        lookupMayEnd.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> vendor.received.size() == 2);
        assertThat(vendor.received).as("the redelivered call is not sent again; the next takes the permit")
                .extracting(r -> r.headers().get("X-tollgate-request-id").get(0)).containsExactly("elsewhere", "next");
        assertThat(offsets.committable(List.of(TP))).as("the redelivered call is done, the next waits for its result")
                .containsEntry(TP, new OffsetAndMetadata(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        assertThat(producer.history()).extracting(r -> ((DispatchResult) r.value()).getRequestId()).containsExactlyInAnyOrder("elsewhere", "next");
    }

    @Test
    void shouldSendAtOnceALateCallThatNoEarlierOwnerOfThePartitionReceived() {
        List<String> askedAbout = new CopyOnWriteArrayList<>();
        List<String> ended = new CopyOnWriteArrayList<>();
        // The previous owner stopped cleanly: no owner received an offset above 4.
        restartWith(askedAbout, handoff(java.util.OptionalLong.of(4), ended));
        scheduler.assign(List.of(TP));
        long now = System.currentTimeMillis();

        // Both slots opened before this task had the partition (the limiter planned them during the handover). Two
        // accounts, so that the call perhaps under way elsewhere does not hold the other's permit.
        scheduler.submit(TP, 4, withOnePermit(Fixtures.dispatched(Fixtures.request("maybe-started").setAccount("globex").build(), now - 1_000,
                20_000)));
        scheduler.submit(TP, 5, withOnePermit(Fixtures.dispatched(Fixtures.request("replanned").build(), now - 500, 20_000)));

        await().atMost(Duration.ofSeconds(5)).until(() -> vendor.received.size() == 1 && producer.history().size() == 2);
        assertThat(vendor.received).as("an offset no earlier owner received: sent at once, on the permit")
                .extracting(r -> r.headers().get("X-tollgate-request-id").get(0)).containsExactly("replanned");
        assertThat(askedAbout).as("only the call an earlier owner received is looked for")
                .containsExactly(PermitGate.dispatchOf("maybe-started", now - 1_000));
        DispatchResult maybeStarted = producer.history().stream().map(r -> (DispatchResult) r.value())
                .filter(r -> r.getRequestId().equals("maybe-started")).findFirst().orElseThrow();
        assertThat(maybeStarted.getOutcome()).isEqualTo(Outcome.STALE);
        assertThat(maybeStarted.getSent()).as("perhaps sent by the previous owner").isNull();

        scheduler.revoke(List.of(TP));
        assertThat(ended).as("the next owner learns how far this one received").containsExactly(TP + " received up to 5");
    }

    @Test
    void shouldTreatEveryLateCallAsPerhapsStartedElsewhereWhenThePreviousOwnerIsNotKnownToHaveStopped() {
        List<String> askedAbout = new CopyOnWriteArrayList<>();
        restartWith(askedAbout, handoff(java.util.OptionalLong.empty(), new CopyOnWriteArrayList<>()));
        scheduler.assign(List.of(TP));
        long now = System.currentTimeMillis();

        scheduler.submit(TP, 5, withOnePermit(Fixtures.dispatched(Fixtures.request("replanned").build(), now - 500, 20_000)));

        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        assertThat(askedAbout).containsExactly(PermitGate.dispatchOf("replanned", now - 500));
        assertThat(((DispatchResult) producer.history().get(0).value()).getOutcome()).isEqualTo(Outcome.STALE);
        assertThat(vendor.received).isEmpty();
    }

    /** A new scheduler with {@code handoff}, whose looks for a previous owner's results find none and are recorded in {@code askedAbout}. */
    private void restartWith(List<String> askedAbout, PartitionHandoff handoff) {
        scheduler.close();
        scheduler = new DispatchScheduler(sender, new ResultPublisher(producer, "tollgate.results"), offsets, System::currentTimeMillis, 10,
                (account, dispatches, sentSinceMs) -> {
                    askedAbout.addAll(dispatches);
                    return java.util.Set.of();
                }, handoff);
    }

    /** Handoff markers as a previous owner left them; the ends of this task's tenures are recorded in {@code ended}. */
    private static PartitionHandoff handoff(java.util.OptionalLong unseenAbove, List<String> ended) {
        return new PartitionHandoff() {
            @Override
            public Map<TopicPartition, Tenure> begin(java.util.Collection<TopicPartition> partitions) {
                Map<TopicPartition, Tenure> tenures = new java.util.HashMap<>();
                partitions.forEach(tp -> tenures.put(tp, new Tenure(tp, java.util.UUID.randomUUID().toString(), unseenAbove,
                        java.util.OptionalLong.of(0))));
                return tenures;
            }

            @Override
            public void end(Map<Tenure, Long> receivedUpTo) {
                receivedUpTo.forEach((tenure, received) -> ended.add(tenure.partition() + " received up to " + received));
            }

            @Override
            public void close() {
            }
        };
    }

    private static DispatchedCall withOnePermit(DispatchedCall call) {
        call.setPermits(List.of(Permit.newBuilder().setRuleId("concurrent-connections").setSubject("account:acme")
                .setLimit(1).setLeaseMs(60_000).build()));
        return call;
    }

    @Test
    void shouldSendBackUnsentTheCallsOfARevokedPartitionAndLeaveThemUncommitted() {
        TopicPartition kept = new TopicPartition("tollgate.dispatch", 1);
        long slot = System.currentTimeMillis() + 300;
        scheduler.submit(TP, 11, Fixtures.dispatched(Fixtures.request("moved").build(), slot, 100));
        scheduler.submit(kept, 5, Fixtures.dispatched(Fixtures.request("stays").build(), slot + 50, 100));

        scheduler.revoke(List.of(TP));

        // The revoked call goes back to the limiter at once, not sent (its next owner, receiving it again after its slot,
        // finds that result); the call that stays is sent in its slot.
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        DispatchResult moved = (DispatchResult) producer.history().get(0).value();
        assertThat(moved.getRequestId()).isEqualTo("moved");
        assertThat(moved.getOutcome()).isEqualTo(Outcome.STALE);
        assertThat(moved.getSent()).isFalse();
        assertThat(vendor.received).extracting(r -> r.headers().get("X-tollgate-request-id").get(0)).containsExactly("stays");
        assertThat(offsets.committable(List.of(TP))).isEmpty();
    }

    @Test
    void shouldReturnEveryCallStaleWithTheCauseWhenSlotsAreShorterThanTheMargin() {
        scheduler.submit(TP, 2, Fixtures.dispatched(Fixtures.request("tight").build(), System.currentTimeMillis() + 100, 10));

        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);

        DispatchResult result = (DispatchResult) producer.history().get(0).value();
        assertThat(result.getOutcome()).isEqualTo(Outcome.STALE);
        assertThat(result.getSent()).isFalse();
        assertThat(result.getBodyExcerpt()).contains("no longer than dispatch.send.margin.ms=10");
        assertThat(vendor.received).isEmpty();
    }

    @Test
    void shouldNotHoldACallWhoseSlotIsFurtherAheadThanAnyLimiterPlans() {
        scheduler.submit(TP, 9, Fixtures.dispatched(Fixtures.request("year-9999").build(), 253_402_300_799_000L, 100));

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(((DispatchResult) r.value()).getOutcome()).isEqualTo(Outcome.STALE);
            assertThat(((DispatchResult) r.value()).getBodyExcerpt()).contains("further ahead than any limiter plans");
        });
        producer.completeNext();
        assertThat(offsets.committable(List.of(TP))).containsEntry(TP, new OffsetAndMetadata(10));
    }

    @Test
    void shouldStopTheTaskWhenAResultCannotBeWritten() {
        scheduler.submit(TP, 1, Fixtures.dispatched(Fixtures.request("r").build(), System.currentTimeMillis(), 100));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);

        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));

        assertThat(scheduler.fatal()).hasMessageContaining("broker gone");
        assertThat(offsets.committable(List.of(TP))).containsEntry(TP, new OffsetAndMetadata(1));
    }
}
