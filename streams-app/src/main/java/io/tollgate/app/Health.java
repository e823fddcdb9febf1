package io.tollgate.app;

import io.tollgate.topology.TollgateMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether Tollgate works, as opposed to whether its threads exist. Kafka Streams says RUNNING while a
 * thread fails on the same record again and again, or while nothing moves: this looks at what happens.
 *
 * <ul>
 *   <li><b>Live</b> ({@code /health}): not in ERROR; fewer than {@value #MAX_THREAD_FAILURES} stream-thread
 *       failures in the last minute; and not stalled, which is records waiting on the input
 *       partitions (consumer lag) while no record has been processed for {@code health.stall.timeout.ms}.</li>
 *   <li><b>Ready</b> ({@code /ready}): live, and RUNNING (not starting, not rebalancing): it decides calls now.</li>
 * </ul>
 */
public final class Health implements AutoCloseable {

    static final int MAX_THREAD_FAILURES = 3;
    /** Failures this far apart are not "keep failing"; and a recovered app is live again this long after its last one. */
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

    /** What {@code /health} and {@code /ready} answer. */
    public record Status(boolean live, boolean ready, String streams, List<String> problems) {
    }

    private final Supplier<KafkaStreams.State> state;
    private final LongSupplier inputLag;
    private final TollgateMetrics metrics;
    private final long stallTimeoutMs;
    private final LongSupplier clock;
    private final Deque<Long> failures = new ArrayDeque<>();
    private final ScheduledExecutorService sampler;
    private String lastFailure = "";
    private long lastProcessed = -1;
    private long stalledSince = -1;
    private long lastLag;

    /** Watches a running Kafka Streams client, sampling its progress once a second. */
    static Health of(KafkaStreams streams, TollgateMetrics metrics, long stallTimeoutMs) {
        Health health = new Health(streams::state, () -> inputLag(streams), metrics, stallTimeoutMs, System::currentTimeMillis);
        health.sampler.scheduleAtFixedRate(health::sample, 1, 1, TimeUnit.SECONDS);
        return health;
    }

    /**
     * @param state the Kafka Streams state, now
     * @param inputLag records waiting on the input partitions, now
     */
    Health(Supplier<KafkaStreams.State> state, LongSupplier inputLag, TollgateMetrics metrics, long stallTimeoutMs, LongSupplier clock) {
        this.state = state;
        this.inputLag = inputLag;
        this.metrics = metrics;
        this.stallTimeoutMs = stallTimeoutMs;
        this.clock = clock;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-health");
            t.setDaemon(true);
            return t;
        });
    }

    /** A stream thread died (it is replaced; too many in a row means the app cannot make progress). */
    synchronized void threadFailed(Throwable e) {
        failures.addLast(clock.getAsLong());
        lastFailure = e.getClass().getName();
        prune(clock.getAsLong());
    }

    /** Once a second: is there input waiting, and has anything been processed since last time? */
    synchronized void sample() {
        long now = clock.getAsLong();
        long processed = metrics.processed();
        lastLag = inputLag.getAsLong();
        if (processed != lastProcessed) {
            lastProcessed = processed;
            stalledSince = -1;
        } else if (lastLag > 0 && state.get() == KafkaStreams.State.RUNNING) {
            stalledSince = stalledSince < 0 ? now : stalledSince;
        } else {
            stalledSince = -1;
        }
    }

    public synchronized Status status() {
        long now = clock.getAsLong();
        prune(now);
        KafkaStreams.State state = this.state.get();
        List<String> problems = new ArrayList<>();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.NOT_RUNNING) {
            problems.add("Kafka Streams is " + state);
        }
        if (failures.size() >= MAX_THREAD_FAILURES) {
            problems.add(failures.size() + " stream thread failures in the last " + FAILURE_WINDOW.toSeconds() + " s (last: "
                    + lastFailure + ")");
        }
        if (stalledSince >= 0 && now - stalledSince >= stallTimeoutMs) {
            problems.add("no record processed for " + (now - stalledSince) / 1000 + " s while " + lastLag + " wait on the input");
        }
        boolean live = problems.isEmpty();
        return new Status(live, live && state == KafkaStreams.State.RUNNING, state.name(), List.copyOf(problems));
    }

    private void prune(long now) {
        while (!failures.isEmpty() && failures.peekFirst() < now - FAILURE_WINDOW.toMillis()) {
            failures.removeFirst();
        }
    }

    /** Records waiting on the partitions the stream threads consume, as their consumers last measured. */
    private static long inputLag(KafkaStreams streams) {
        long lag = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName name = e.getKey();
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && name.tags().containsKey("partition") && isMainConsumer(name.tags().getOrDefault("client-id", ""))) {
                Object value = e.getValue().metricValue();
                if (value instanceof Double d && Double.isFinite(d) && d > 0) {
                    lag += d.longValue();
                }
            }
        }
        return lag;
    }

    private static boolean isMainConsumer(String clientId) {
        return clientId.endsWith("-consumer") && !clientId.endsWith("-restore-consumer") && !clientId.endsWith("-global-consumer");
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
