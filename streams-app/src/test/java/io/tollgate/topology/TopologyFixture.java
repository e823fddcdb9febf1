package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.avro.RejectedCall;
import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.config.TopicNames;
import io.tollgate.config.TopologySettings;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.policy.PolicyFile;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology in a {@link TopologyTestDriver}, with a real (in-process) schema registry and a
 * mock wall clock that tests advance. Lead 0 and jitter 0 unless a test sets them, so times are exact.
 */
final class TopologyFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final TopicNames TOPICS = TopicNames.DEFAULT;
    static final long PUNCTUATION_MS = 50;

    final InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0);
    final SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    final AvroSerializer<SpecificRecord> values = new AvroSerializer<>(client, true);
    final TollgateMetrics metrics = new TollgateMetrics();
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> requests;
    final TestInputTopic<String, byte[]> results;
    final TestInputTopic<String, byte[]> policies;
    final TestInputTopic<String, byte[]> accounts;
    /** What a restored instance finds in force, whatever the policies topic holds. */
    final TestInputTopic<String, byte[]> policiesInForce;
    final TestOutputTopic<String, DispatchedCall> dispatch;
    final TestOutputTopic<String, DelayedCall> delay;
    final TestOutputTopic<String, RejectedCall> rejected;
    private final Path stateDir;
    private final List<DispatchedCall> dispatched = new ArrayList<>();
    private final List<RejectedCall> rejections = new ArrayList<>();
    private final List<DelayedCall> delays = new ArrayList<>();

    /** The usual fixture: calls planned at once, no jitter, no wait for results, no default policy. */
    static TopologyFixture start() throws Exception {
        return with().start();
    }

    /** A fixture with some settings changed: {@code TopologyFixture.with().jitterMs(100).start()}. */
    static Builder with() {
        return new Builder();
    }

    /**
     * Faults no validation foresees, injected where the app cannot see them coming: a value that fails to
     * serialize on its way out, or bytes whose deserializer throws something other than a decoding error.
     */
    record Faults(java.util.function.Predicate<Object> failOnWrite, java.util.function.Predicate<byte[]> failOnRead) {
        static final Faults NONE = new Faults(v -> false, b -> false);
    }

    /** The settings a test may change; the defaults are those of {@link #start()}. */
    static final class Builder {
        private long leadMs;
        private long jitterMs;
        private long resultWaitMs;
        private String defaultPolicy = "";
        private Faults faults = Faults.NONE;
        private long retentionMs = 86_400_000L;
        private EarlyResults earlyResults = EarlyResults.NONE;

        /** How far ahead of the decision a call's slot opens. */
        Builder leadMs(long ms) {
            leadMs = ms;
            return this;
        }

        /** The slot length; windows are checked over window + jitter. */
        Builder jitterMs(long ms) {
            jitterMs = ms;
            return this;
        }

        /** How long past its window a call whose result has not come keeps counting (0: results are not awaited). */
        Builder resultWaitMs(long ms) {
            resultWaitMs = ms;
            return this;
        }

        /** The policy of accounts without a record. */
        Builder defaultPolicy(String policyId) {
            defaultPolicy = policyId;
            return this;
        }

        Builder faults(Faults injected) {
            faults = injected;
            return this;
        }

        /** How long request ids and calls in flight are remembered. */
        Builder retentionMs(long ms) {
            retentionMs = ms;
            return this;
        }

        /** Where results read ahead of the task's consumer are offered (none by default). */
        Builder earlyResults(EarlyResults early) {
            earlyResults = early;
            return this;
        }

        TopologyFixture start() throws Exception {
            return new TopologyFixture(this);
        }
    }

    private TopologyFixture(Builder b) throws Exception {
        Faults faults = b.faults;
        LimiterSettings limiter = new LimiterSettings(b.jitterMs, 2000, 600_000, b.resultWaitMs);
        PolicyCatalog catalog = new PolicyCatalog(limiter, new AvroDeserializer<>(client, Policy.class),
                new AvroDeserializer<>(client, Account.class));
        TopologySettings settings = new TopologySettings(TOPICS, 1, b.leadMs, PUNCTUATION_MS, 64 * 1024, b.retentionMs, b.defaultPolicy, 3, 4,
                "test-instance");
        AvroDeserializer<ApiRequest> requestReader = new AvroDeserializer<>(client, ApiRequest.class);
        org.apache.kafka.common.serialization.Serializer<SpecificRecord> writer = (topic, value) -> {
            if (faults.failOnWrite().test(value)) {
                throw new ArithmeticException("injected: long overflow");
            }
            return values.serialize(topic, value);
        };
        org.apache.kafka.common.serialization.Deserializer<ApiRequest> reader = (topic, bytes) -> {
            if (bytes != null && faults.failOnRead().test(bytes)) {
                throw new IllegalStateException("injected: a failure no decoder foresaw");
            }
            return requestReader.deserialize(topic, bytes);
        };
        TollgateTopology.ValueSerdes serdes = new TollgateTopology.ValueSerdes(writer, reader,
                new AvroDeserializer<>(client, DispatchResult.class), new AvroDeserializer<>(client, Account.class));
        stateDir = Files.createTempDirectory("tollgate-ttd");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tollgate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        RejectingExceptionHandler.install(props, TOPICS.rejected(), writer, metrics);
        driver = new TopologyTestDriver(TollgateTopology.build(settings, serdes, catalog, metrics, b.earlyResults), props, T0);

        StringSerializer keys = new StringSerializer();
        ByteArraySerializer bytes = new ByteArraySerializer();
        requests = driver.createInputTopic(TOPICS.requests(), keys, bytes, T0, Duration.ZERO);
        results = driver.createInputTopic(TOPICS.results(), keys, bytes, T0, Duration.ZERO);
        policies = driver.createInputTopic(TOPICS.policies(), keys, bytes, T0, Duration.ZERO);
        accounts = driver.createInputTopic(TOPICS.accounts(), keys, bytes, T0, Duration.ZERO);
        policiesInForce = driver.createInputTopic(TOPICS.policiesInForce(), keys, bytes, T0, Duration.ZERO);
        StringDeserializer keyReader = new StringDeserializer();
        dispatch = driver.createOutputTopic(TOPICS.dispatch(), keyReader, new AvroDeserializer<>(client, DispatchedCall.class));
        delay = driver.createOutputTopic(TOPICS.delay(), keyReader, new AvroDeserializer<>(client, DelayedCall.class));
        rejected = driver.createOutputTopic(TOPICS.rejected(), keyReader, new AvroDeserializer<>(client, RejectedCall.class));
    }

    /** Loads policies and accounts from YAML into the global topics, as the seeder does. */
    void seed(String yaml) {
        PolicyFile.Contents contents = PolicyFile.parse(yaml, "classpath:presets", LimiterSettings.DEFAULTS);
        contents.policies().forEach(this::putPolicy);
        contents.accounts().forEach(this::putAccount);
    }

    void putPolicy(Policy policy) {
        policies.pipeInput(policy.getId(), values.serialize(TOPICS.policies(), policy), now());
    }

    void putAccount(Account account) {
        accounts.pipeInput(account.getId(), values.serialize(TOPICS.accounts(), account), now());
    }

    Instant now() {
        return T0.plusMillis(elapsedMs);
    }

    private long elapsedMs;

    /** Advances the wall clock in punctuation-sized steps, as a real clock would fire them. */
    void advance(long ms) {
        for (long left = ms; left > 0; left -= PUNCTUATION_MS) {
            long step = Math.min(PUNCTUATION_MS, left);
            elapsedMs += step;
            driver.advanceWallClockTime(Duration.ofMillis(step));
        }
    }

    /** Moves the wall clock on in one step: punctuations run once, as after a long pause. */
    void jump(long ms) {
        elapsedMs += ms;
        driver.advanceWallClockTime(Duration.ofMillis(ms));
    }

    void send(ApiRequest request) {
        requests.pipeInput(new TestRecord<>(request.getAccount(), values.serialize(TOPICS.requests(), request), now()));
    }

    void sendRaw(String key, byte[] value) {
        requests.pipeInput(new TestRecord<>(key, value, now()));
    }

    void result(DispatchResult result) {
        results.pipeInput(new TestRecord<>(result.getAccount(), values.serialize(TOPICS.results(), result), now()));
    }

    /** Every dispatched call so far (the output topic is read into this list). */
    List<DispatchedCall> dispatched() {
        dispatched.addAll(dispatch.readValuesToList());
        return dispatched;
    }

    List<RejectedCall> rejected() {
        rejections.addAll(rejected.readValuesToList());
        return rejections;
    }

    List<DelayedCall> delayed() {
        delays.addAll(delay.readValuesToList());
        return delays;
    }

    List<String> dispatchedIds() {
        return dispatched().stream().map(d -> d.getRequest().getRequestId()).toList();
    }

    /** What a dispatcher would report for {@code call}: sent on time, answered in 5 ms; never sent for STALE and NOT_SENT. */
    static DispatchResult resultOf(DispatchedCall call, Outcome outcome, Integer status, Map<String, String> headers) {
        boolean neverSent = outcome == Outcome.STALE || outcome == Outcome.NOT_SENT;
        return DispatchResult.newBuilder()
                .setRequestId(call.getRequest().getRequestId())
                .setAccount(call.getRequest().getAccount())
                .setCredentialRef(call.getRequest().getCredentialRef())
                .setOutcome(outcome).setStatus(status).setLatencyMs(5).setHeaders(headers)
                .setExecuteAt(call.getExecuteAt()).setExecutedAt(call.getExecuteAt()).setAttempt(call.getAttempt())
                .setSent(neverSent ? false : null)
                .setRequest(call.getRequest()).setCharges(call.getCharges())
                .build();
    }

    static ApiRequest.Builder request(String id) {
        return ApiRequest.newBuilder()
                .setRequestId(id)
                .setAccount("acme")
                .setCredentialRef("cred-1")
                .setAuthKind(AuthKind.API_TOKEN)
                .setUser("user-1")
                .setIntegration("crm")
                .setMethod("GET")
                .setPath("/v1/deals/1")
                .setApiVersion("v1")
                .setHeaders(Map.of())
                .setSubmittedAt(T0);
    }

    @Override
    public void close() throws Exception {
        driver.close();
        registry.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
