package io.tollgate.app;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.config.TopicNames;
import io.tollgate.config.TopologySettings;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.policy.PolicyFile;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.topology.PolicyCatalog;
import io.tollgate.topology.TollgateMetrics;
import io.tollgate.topology.TollgateTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Runs a copy of the limiter's topology on made-up calls before the stream threads start, so that a JVM
 * seconds old does not meet its first burst with its decision path still interpreted (issue 14: the first
 * window after a start). The copy is the real topology on real RocksDB stores in a directory of its own, driven
 * by Kafka Streams' {@link TopologyTestDriver}: no broker, no topic and no store of the app is touched. Its
 * schemas go to a registry of its own on 127.0.0.1, so nothing is registered in the app's. Best effort: a
 * failure is logged and the app starts all the same.
 */
final class StartupWarmup {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StartupWarmup.class);
    /** Accounts the calls spread over, three tokens each: more calls per token than a window allows. */
    private static final int ACCOUNTS = 20;
    /** Punctuations run once every call is in: enough for waiting calls to go and their results to come back. */
    private static final int QUEUE_STEPS = 100;
    /**
     * Pipedrive (sliding windows, daily budgets, cost table) on a plan whose windows fill, so that calls wait and
     * drains run too, and the forms platform (concurrency permits).
     */
    private static final String POLICIES = """
            include: [classpath:presets/all.yaml]
            accounts:
            """;

    /** The longest a warm-up may hold the start back. */
    static final Duration BUDGET = Duration.ofSeconds(10);

    /** What a warm-up did, for the start-up log. */
    record Report(int calls, int dispatched, int rejected, long millis) {
    }

    private StartupWarmup() {
    }

    /**
     * Decides {@code calls} made-up calls, or as many as fit in {@code budget} (setting up included), in a directory
     * under {@code stateParent} that is deleted afterwards; 0 calls does nothing.
     */
    static Report run(TopologySettings appSettings, LimiterSettings limiter, Path stateParent, int calls, Duration budget) {
        if (calls <= 0) {
            return new Report(0, 0, 0, 0);
        }
        long started = System.nanoTime();
        Path stateDir = null;
        try (InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0)) {
            Files.createDirectories(stateParent);
            stateDir = Files.createTempDirectory(stateParent, "warmup-");
            ValueSerdeFactory serdes = new ValueSerdeFactory("", registry.url());
            TopicNames topics = appSettings.topics();
            Serializer<SpecificRecord> values = serdes.serializer();
            PolicyCatalog catalog = new PolicyCatalog(limiter, serdes.deserializer(Policy.class), serdes.deserializer(Account.class));
            try (TollgateMetrics metrics = new TollgateMetrics();
                 TopologyTestDriver driver = new TopologyTestDriver(TollgateTopology.build(appSettings, new TollgateTopology.ValueSerdes(values,
                         serdes.deserializer(ApiRequest.class), serdes.deserializer(DispatchResult.class), serdes.deserializer(Account.class)),
                         catalog, metrics), driverProps(stateDir), Instant.now())) {
                Feed feed = new Feed(driver, topics, serdes.deserializer(DispatchedCall.class));
                PolicyFile.Contents contents = PolicyFile.parse(accounts(), "classpath:presets", limiter);
                contents.policies().forEach(p -> feed.policies.pipeInput(p.getId(), values.serialize(topics.policies(), p)));
                contents.accounts().forEach(a -> feed.accounts.pipeInput(a.getId(), values.serialize(topics.accounts(), a)));
                long deadline = started + budget.toNanos();
                int sent = 0;
                int dispatched = 0;
                // Calls arrive a hundred per punctuation, more than the windows allow: some go, some wait and go
                // at later punctuations, every result comes back. Then the clock runs on until the queues empty.
                long step = appSettings.punctuationMs();
                for (long steps = 0; (sent < calls || steps < QUEUE_STEPS) && System.nanoTime() < deadline; steps = sent < calls ? 0 : steps + 1) {
                    for (int i = 0; i < 100 && sent < calls; i++, sent++) {
                        ApiRequest request = request(sent);
                        feed.requests.pipeInput(request.getAccount(), values.serialize(topics.requests(), request));
                    }
                    driver.advanceWallClockTime(Duration.ofMillis(step));
                    for (DispatchedCall call : feed.dispatch.readValuesToList()) {
                        dispatched++;
                        DispatchResult result = answered(call);
                        feed.results.pipeInput(result.getAccount(), values.serialize(topics.results(), result));
                    }
                    feed.drainTheRest();
                }
                return new Report(sent, dispatched, feed.rejectedSoFar, (System.nanoTime() - started) / 1_000_000);
            }
        } catch (Exception | LinkageError e) {
            LOG.warn("The start-up warm-up failed ({}); the first calls are decided on a cold JVM", e.toString());
            return new Report(0, 0, 0, (System.nanoTime() - started) / 1_000_000);
        } finally {
            deleteQuietly(stateDir);
        }
    }

    /** The input and output topics of the copy; delays and rejections are counted and dropped so they do not pile up. */
    private static final class Feed {
        final TestInputTopic<String, byte[]> requests;
        final TestInputTopic<String, byte[]> results;
        final TestInputTopic<String, byte[]> policies;
        final TestInputTopic<String, byte[]> accounts;
        final TestOutputTopic<String, DispatchedCall> dispatch;
        private final TestOutputTopic<String, byte[]> delay;
        private final TestOutputTopic<String, byte[]> rejected;

        Feed(TopologyTestDriver driver, TopicNames topics, Deserializer<DispatchedCall> dispatched) {
            StringSerializer keys = new StringSerializer();
            ByteArraySerializer bytes = new ByteArraySerializer();
            requests = driver.createInputTopic(topics.requests(), keys, bytes);
            results = driver.createInputTopic(topics.results(), keys, bytes);
            policies = driver.createInputTopic(topics.policies(), keys, bytes);
            accounts = driver.createInputTopic(topics.accounts(), keys, bytes);
            StringDeserializer keyReader = new StringDeserializer();
            dispatch = driver.createOutputTopic(topics.dispatch(), keyReader, dispatched);
            delay = driver.createOutputTopic(topics.delay(), keyReader, (topic, data) -> data);
            rejected = driver.createOutputTopic(topics.rejected(), keyReader, (topic, data) -> data);
        }

        int rejectedSoFar;

        void drainTheRest() {
            delay.readValuesToList();
            rejectedSoFar += rejected.readValuesToList().size();
        }
    }

    private static String accounts() {
        StringBuilder yaml = new StringBuilder(POLICIES);
        for (int a = 0; a < ACCOUNTS; a++) {
            yaml.append(a % 10 == 9
                    ? "  - {id: warmup-" + a + ", policy: forms-platform, timeZone: UTC}\n"
                    : "  - {id: warmup-" + a + ", policy: pipedrive, plan: lite, seats: 2, timeZone: Europe/Tallinn}\n");
        }
        return yaml.toString();
    }

    private static ApiRequest request(int i) {
        String account = "warmup-" + (i % ACCOUNTS);
        boolean post = i % 10 == 3;
        return ApiRequest.newBuilder().setRequestId("warmup-" + i).setAccount(account)
                .setCredentialRef(account + "/token-" + (i / ACCOUNTS % 3)).setAuthKind(i % 7 == 0 ? AuthKind.OAUTH : AuthKind.API_TOKEN)
                .setUser("user-" + (i % 5)).setIntegration(i % 4 == 0 ? "sync" : "import").setMethod(post ? "POST" : "GET")
                .setPath(post ? "/api/v2/deals" : "/api/v2/deals/" + i).setApiVersion("v2")
                .setHeaders(new HashMap<>()).setSubmittedAt(Instant.now()).build();
    }

    /** The vendor's answer as a dispatcher reports it: sent at the slot, answered 20 ms later. */
    private static DispatchResult answered(DispatchedCall call) {
        return DispatchResult.newBuilder()
                .setRequestId(call.getRequest().getRequestId()).setAccount(call.getRequest().getAccount())
                .setCredentialRef(call.getRequest().getCredentialRef()).setOutcome(Outcome.SUCCESS).setStatus(200).setLatencyMs(20)
                .setHeaders(new HashMap<>()).setExecuteAt(call.getExecuteAt()).setExecutedAt(call.getExecuteAt())
                .setAttempt(call.getAttempt()).setRequest(call.getRequest()).setCharges(call.getCharges()).build();
    }

    private static Properties driverProps(Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tollgate-warmup");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("warm-up state not deleted: {}", e.toString());
        }
    }
}
