package io.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.topology.TollgateMetrics;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** Health says what happens, not what Kafka Streams' state says: a stall or a failing thread is DOWN even while RUNNING. */
class HealthTest {

    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final TollgateMetrics metrics = new TollgateMetrics();
    private final Health health = new Health(state::get, lag::get, metrics, 30_000, clock::get);

    @Test
    void shouldBeDownWhenRecordsWaitAndNothingIsProcessedForTheStallTimeout() {
        lag.set(12);
        for (int s = 0; s <= 30; s++) {
            health.sample();
            clock.addAndGet(1000);
        }

        Health.Status stalled = health.status();
        assertThat(stalled.live()).isFalse();
        assertThat(stalled.ready()).isFalse();
        assertThat(stalled.problems()).singleElement().asString().contains("no record processed for 30 s while 12 wait on the input");

        metrics.recordProcessed();
        health.sample();
        assertThat(health.status().live()).isTrue();
    }

    @Test
    void shouldStayUpWhileIdleOrWhileRecordsAreProcessed() {
        for (int s = 0; s < 100; s++) {
            lag.set(s % 2 == 0 ? 0 : 500);
            if (s % 2 == 1) {
                metrics.recordProcessed();
            }
            health.sample();
            clock.addAndGet(1000);
        }

        assertThat(health.status()).isEqualTo(new Health.Status(true, true, "RUNNING", java.util.List.of()));
    }

    @Test
    void shouldBeDownWhileStreamThreadsKeepFailingAndUpAMinuteAfterTheyStop() {
        for (int i = 0; i < 3; i++) {
            health.threadFailed(new IllegalStateException("poison"));
            clock.addAndGet(2000);
        }
        assertThat(health.status().live()).isFalse();
        assertThat(health.status().problems()).singleElement().asString()
                .isEqualTo("3 stream thread failures in the last 60 s (last: java.lang.IllegalStateException)");

        clock.addAndGet(60_000);
        assertThat(health.status().live()).isTrue();
    }

    @Test
    void shouldBeLiveButNotReadyWhileRebalancing() {
        state.set(KafkaStreams.State.REBALANCING);
        assertThat(health.status().live()).isTrue();
        assertThat(health.status().ready()).isFalse();

        state.set(KafkaStreams.State.ERROR);
        assertThat(health.status().live()).isFalse();
    }
}
