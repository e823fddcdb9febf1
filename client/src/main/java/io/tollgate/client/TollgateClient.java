package io.tollgate.client;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.request.InvalidRequestException;
import io.tollgate.schemas.request.RequestValidator;
import io.tollgate.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Submits calls to Tollgate and hands back each one's outcome.
 *
 * <pre>{@code
 * try (TollgateClient tollgate = TollgateClient.connect(Map.of("bootstrap.servers", "127.0.0.1:9092",
 *         "schema.registry.url", "http://127.0.0.1:8081"))) {
 *     ApiRequest call = TollgateClient.request("acme", "pipedrive/acme-main", AuthKind.API_TOKEN)
 *             .integration("crm-sync").get("/api/v2/deals/1").build();
 *     Outcome outcome = tollgate.submit(call).get();
 * }
 * }</pre>
 *
 * <p>A client is thread-safe and meant to be shared: it holds one producer, one consumer thread reading
 * every outcome, and one timer thread, however many calls wait. Futures complete on the common
 * fork-join pool, never on those threads, so what a caller chains to them cannot hold outcomes back.
 */
public final class TollgateClient implements AutoCloseable {

    private final TollgateClientConfig config;
    private final KafkaProducer<String, ApiRequest> producer;
    private final OutcomeTracker outcomes;
    private final String requestsTopic;

    private TollgateClient(TollgateClientConfig config, KafkaProducer<String, ApiRequest> producer, OutcomeTracker outcomes) {
        this.config = config;
        this.producer = producer;
        this.outcomes = outcomes;
        this.requestsTopic = config.topic("requests");
    }

    /** Connects to the cluster; see {@link TollgateClientConfig} for the settings. */
    public static TollgateClient connect(Map<String, ?> settings) {
        TollgateClientConfig config = new TollgateClientConfig(settings);
        SchemaRegistryClient registry = new SchemaRegistryClient(config.getString(TollgateClientConfig.SCHEMA_REGISTRY_URL));
        Map<String, Object> producerSettings = new HashMap<>(config.kafkaSettings());
        // Never two copies of a request: the second would come back DUPLICATE_REQUEST and be taken for the call's outcome.
        producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
        producerSettings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerSettings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        KafkaProducer<String, ApiRequest> producer = new KafkaProducer<>(producerSettings, new StringSerializer(),
                new AvroSerializer<>(registry, true));
        try {
            return new TollgateClient(config, producer, new OutcomeTracker(config.kafkaSettings(), registry,
                    config.topic("results"), config.topic("rejected")));
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /** A request for {@code account}'s budget, sent with the credential the dispatcher knows as {@code credentialRef}. */
    public static RequestBuilder request(String account, String credentialRef, AuthKind authKind) {
        return new RequestBuilder(account, credentialRef, authKind);
    }

    /** {@link #submit(ApiRequest, Duration)} with the client's {@code outcome.timeout.ms}. */
    public CompletableFuture<Outcome> submit(ApiRequest request) {
        return submit(request, Duration.ofMillis(config.getLong(TollgateClientConfig.OUTCOME_TIMEOUT_MS)));
    }

    /**
     * Sends the call and returns its final outcome: the dispatcher's result, or Tollgate's rejection with its
     * reason. The future fails at once with an {@link InvalidRequestException} (its {@code code()} is the
     * reason) for a request the intake would reject, with an {@link OutcomeTimeoutException} when no outcome
     * came within {@code timeout}, and with the producer's exception when the request could not be written.
     */
    public CompletableFuture<Outcome> submit(ApiRequest request, Duration timeout) {
        ApiRequest checked;
        CompletableFuture<Outcome> outcome;
        try {
            checked = check(request);
            // Waiting before sending: the outcome may come back before the producer's acknowledgement does.
            outcome = outcomes.track(checked, timeout);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            producer.send(new ProducerRecord<>(requestsTopic, checked.getAccount(), checked), (metadata, failure) -> {
                if (failure != null) {
                    outcomes.fail(checked, outcome, failure);
                }
            });
        } catch (RuntimeException e) {
            // The serializer (a registry that does not answer) or a closed producer: nothing was written.
            outcomes.fail(checked, outcome, e);
        }
        return outcome;
    }

    /** Sends the call without waiting for its outcome; the future completes when Kafka has it. */
    public CompletableFuture<RecordMetadata> submitAndForget(ApiRequest request) {
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        try {
            ApiRequest checked = check(request);
            producer.send(new ProducerRecord<>(requestsTopic, checked.getAccount(), checked), (metadata, failure) -> {
                if (failure != null) {
                    written.completeExceptionally(failure);
                } else {
                    written.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            written.completeExceptionally(e);
        }
        return written;
    }

    /** The intake's checks, and its size limit: an oversized request is refused there without its ids, so no outcome could be matched. */
    private ApiRequest check(ApiRequest request) {
        ApiRequest checked = RequestValidator.accept(RequestBuilder.copyOf(request));
        long bytes = (checked.getBody() == null ? 0 : checked.getBody().remaining()) + checked.getPath().length()
                + checked.getHeaders().entrySet().stream().mapToLong(h -> h.getKey().length() + h.getValue().length()).sum();
        int max = config.getInt(TollgateClientConfig.REQUEST_MAX_BYTES);
        if (bytes > max) {
            throw new InvalidRequestException(RejectReason.OVERSIZED, "the request's body, path and headers take " + bytes
                    + " bytes, more than request.max.bytes=" + max + " (the limiter's own limit must be the same or larger)");
        }
        return checked;
    }

    /** How many calls wait for their outcome. */
    public int waiting() {
        return outcomes.waiting();
    }

    /** Sends what is buffered, stops reading outcomes; calls still waiting fail with an IllegalStateException. */
    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(10));
        } finally {
            outcomes.close();
        }
    }
}
