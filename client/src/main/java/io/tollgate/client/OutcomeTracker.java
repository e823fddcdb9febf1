package io.tollgate.client;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.RejectedCall;
import io.tollgate.limiter.CallOutcome;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.WireFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread per client reads {@code results} and {@code rejected} and completes the future of
 * each call this client is waiting for, matched by account and request id; one timer thread fails those
 * that wait too long. Nothing is held per call but its entry in a map.
 *
 * <p>A result is final unless the limiter puts the call back in its queue (a 429, a block page, a stale
 * slot, a network error): then the call's next result, or its rejection, is its outcome. A record whose
 * request was submitted at another time is another sender's call with the same id (a duplicate it sent,
 * say), and is not taken for this one.
 */
final class OutcomeTracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeTracker.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final long BACKOFF_MS = 1000;
    static final Duration MAX_TIMEOUT = Duration.ofDays(30);

    private record CallKey(String account, String requestId) {
    }

    private static final class Pending {
        final CallKey key;
        final long submittedAtMs;
        final CompletableFuture<Outcome> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;

        Pending(CallKey key, long submittedAtMs) {
            this.key = key;
            this.submittedAtMs = submittedAtMs;
        }
    }

    private final Map<CallKey, Pending> pending = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String resultsTopic;
    private final AvroDeserializer<DispatchResult> results;
    private final AvroDeserializer<RejectedCall> rejections;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "tollgate-client-timeouts"));
    private final Thread poller;
    private volatile boolean closing;

    /** Starts reading both topics from their ends now, so that every outcome of a call submitted afterwards is seen. */
    OutcomeTracker(Map<String, Object> kafkaSettings, SchemaRegistryClient registry, String resultsTopic, String rejectedTopic) {
        Map<String, Object> settings = new java.util.HashMap<>(kafkaSettings);
        // No group: each client reads every partition itself (every client must see every outcome), from where it started.
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Rejections are written in the limiter's transactions: an aborted one is no outcome.
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.resultsTopic = resultsTopic;
        this.results = new AvroDeserializer<>(registry, DispatchResult.class);
        this.rejections = new AvroDeserializer<>(registry, RejectedCall.class);
        timer.setRemoveOnCancelPolicy(true);
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            Map<String, List<PartitionInfo>> topics = consumer.listTopics(STARTUP_TIMEOUT);
            for (String topic : List.of(resultsTopic, rejectedTopic)) {
                List<PartitionInfo> infos = topics.get(topic);
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist: is Tollgate running on this cluster, "
                            + "with the topic.prefix this client was given?");
                }
                infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(p -> consumer.position(p, STARTUP_TIMEOUT));
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            timer.shutdownNow();
            throw e;
        }
        this.poller = daemon(this::pollUntilClosed, "tollgate-client-outcomes");
        poller.start();
    }

    /**
     * The future of {@code request}'s outcome, failing after {@code timeout}. Throws IllegalStateException when
     * this client already waits for a call with the same account and request id.
     */
    CompletableFuture<Outcome> track(ApiRequest request, Duration timeout) {
        if (closing) {
            throw new IllegalStateException("the client is closed");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the timeout must be positive and at most " + MAX_TIMEOUT + ", got " + timeout);
        }
        CallKey key = new CallKey(request.getAccount(), request.getRequestId());
        Pending call = new Pending(key, request.getSubmittedAt().toEpochMilli());
        if (pending.putIfAbsent(key, call) != null) {
            throw new IllegalStateException("request " + request.getRequestId() + " of account " + request.getAccount()
                    + " is already waiting for its outcome: request ids are unique per account");
        }
        try {
            call.timeout = timer.schedule(() -> fail(call, new OutcomeTimeoutException(key.account(), key.requestId(), timeout)),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            pending.remove(key, call);
            throw e;
        }
        return call.future;
    }

    /** Fails the future {@link #track} gave for {@code request} (its record could not be written, say). */
    void fail(ApiRequest request, CompletableFuture<Outcome> future, Throwable failure) {
        Pending call = pending.get(new CallKey(request.getAccount(), request.getRequestId()));
        if (call != null && call.future == future) {
            fail(call, failure);
        } else {
            future.completeExceptionally(failure);
        }
    }

    /**
     * The call leaves the map and its timer before its future completes, so that a caller reacting to the outcome
     * may submit the same request id again; the future completes on the common pool, so that what the caller
     * chains to it never runs on (or blocks) the client's own threads.
     */
    private void finish(Pending call, Outcome outcome, Throwable failure) {
        if (!pending.remove(call.key, call)) {
            return;
        }
        ScheduledFuture<?> t = call.timeout;
        if (t != null) {
            t.cancel(false);
        }
        ForkJoinPool.commonPool().execute(() -> {
            if (failure == null) {
                call.future.complete(outcome);
            } else {
                call.future.completeExceptionally(failure);
            }
        });
    }

    private void fail(Pending call, Throwable failure) {
        finish(call, null, failure);
    }

    int waiting() {
        return pending.size();
    }

    private void pollUntilClosed() {
        try {
            while (!closing) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        if (!pending.isEmpty() && !read(record)) {
                            break; // the registry did not answer: read again from this record after a pause
                        }
                    }
                } catch (WakeupException e) {
                    // close() asked us to stop
                } catch (KafkaException e) {
                    LOG.warn("Reading the outcomes failed ({}); trying again in {} ms", e.toString(), BACKOFF_MS);
                    pause();
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("The client stopped reading outcomes; every waiting call fails", e);
            closing = true;
            failAll(new IllegalStateException("the client stopped reading outcomes: " + e, e));
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Reads one record; false when the registry could not be asked (the consumer is put back to read it again). */
    private boolean read(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(resultsTopic)) {
                DispatchResult result = results.deserialize(record.topic(), record.value());
                if (result != null && !requeued(result)) {
                    complete(result.getAccount(), result.getRequestId(), result.getRequest(), new Outcome.Dispatched(result));
                }
            } else {
                RejectedCall rejection = rejections.deserialize(record.topic(), record.value());
                if (rejection != null && rejection.getAccount() != null && rejection.getRequestId() != null) {
                    complete(rejection.getAccount(), rejection.getRequestId(), rejection.getRequest(), new Outcome.Rejected(rejection));
                }
            }
            return true;
        } catch (WireFormatException e) {
            if (e.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                LOG.warn("The schema registry did not answer ({}); reading {}-{} again from offset {} in {} ms", e.getMessage(),
                        record.topic(), record.partition(), record.offset(), BACKOFF_MS);
                consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                pause();
                return false;
            }
            skip(record, e);
            return true;
        } catch (RuntimeException e) {
            skip(record, e);
            return true;
        }
    }

    /** Another writer's record that is not what the topic holds: it cannot be the outcome of a call of ours. */
    private static void skip(ConsumerRecord<byte[], byte[]> record, RuntimeException e) {
        LOG.warn("Skipped an unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
    }

    /** A result after which the limiter puts the call back in its queue: not the call's outcome yet. */
    private static boolean requeued(DispatchResult result) {
        return CallOutcome.valueOf(result.getOutcome().name()).requeues();
    }

    private void complete(String account, String requestId, ApiRequest request, Outcome outcome) {
        Pending call = pending.get(new CallKey(account, requestId));
        if (call != null && (request == null || request.getSubmittedAt() == null || request.getSubmittedAt().toEpochMilli() == call.submittedAtMs)) {
            finish(call, outcome, null);
        }
    }

    private void pause() {
        try {
            Thread.sleep(BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** Stops reading; every call still waiting fails with an IllegalStateException. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            poller.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
            failAll(new IllegalStateException("the client was closed before the call's outcome arrived; the call may still be dispatched"));
        }
    }

    private void failAll(Throwable failure) {
        new ArrayList<>(pending.values()).forEach(call -> fail(call, failure));
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
