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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * Runs a copy of the limiter's topology on made-up calls while the stream threads join their group, so that a JVM
 * seconds old does not meet its first burst with its decision path still interpreted (issue 14: the first window
 * after a start). The copy is the real topology on real RocksDB stores in a directory of its own, driven by Kafka
 * Streams' {@link TopologyTestDriver}: no broker, no topic and no store of the app is touched. Its schemas go to a
 * registry of its own on 127.0.0.1, so nothing is registered in the app's. It runs beside the start, not before it:
 * an instance that comes back within the session timeout keeps its partitions (docs/DEPLOYMENT.md). Best effort: a
 * failure is logged and the app runs all the same.
 */
final class StartupWarmup implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StartupWarmup.class);
    /** The longest a warm-up decides calls, once its copy is set up. */
    static final Duration BUDGET = Duration.ofSeconds(10);
    /** Written into the warm-up's directory: only a directory holding it is ever emptied. */
    static final String MARKER = "TOLLGATE-WARMUP";
    /** Accounts the calls spread over, three tokens each. */
    private static final int ACCOUNTS = 20;
    /** Calls piped in before each punctuation: on a plan of 20 per 2 s per token, windows fill and calls wait. */
    private static final int CALLS_PER_PUNCTUATION = 100;
    /** Mock time the clock runs on once every call is in, so that calls that waited go and their results come. */
    private static final Duration QUEUE_TIME = Duration.ofSeconds(2);

    /** The copy's clock starts at a fixed time and moves only with the punctuations it is given. */
    private static final Instant MOCK_START = Instant.parse("2026-01-05T09:00:00Z");

    /** What a warm-up did, for the start-up log. */
    record Report(int calls, int dispatched, int delayed, int rejected, long millis) {
        static final Report NONE = new Report(0, 0, 0, 0, 0);
    }

    private final Thread thread;
    private volatile boolean stopped;

    private StartupWarmup(TopologySettings settings, LimiterSettings limiter, Path dir, int calls, BooleanSupplier appIsBusy) {
        thread = new Thread(() -> {
            Report report = run(settings, limiter, dir, calls, BUDGET, () -> stopped || appIsBusy.getAsBoolean());
            if (report.calls() > 0) {
                LOG.info("Warm-up done: a copy of the topology decided {} made-up calls ({} dispatched, {} told to wait, {} rejected) "
                        + "in {} ms", report.calls(), report.dispatched(), report.delayed(), report.rejected(), report.millis());
            }
        }, "tollgate-warmup");
        thread.setDaemon(true);
    }

    /**
     * Starts a warm-up of {@code calls} calls on a thread of its own, in {@code dir}; 0 calls starts none. It stops as
     * soon as {@code appIsBusy}: it is for the time a start spends joining and restoring, not to compete with the app's
     * own work. (Instances that share cores can still wait on it: docs/DEPLOYMENT.md, "Start-up".)
     */
    static StartupWarmup startInBackground(TopologySettings settings, LimiterSettings limiter, Path dir, int calls,
                                           BooleanSupplier appIsBusy) {
        StartupWarmup warmup = new StartupWarmup(settings, limiter, dir, calls, appIsBusy);
        if (calls > 0) {
            LOG.info("Warming up: a copy of the topology decides {} made-up calls beside the start (startup.warmup.calls; its "
                    + "registry and policies are its own)", calls);
            warmup.thread.start();
        }
        return warmup;
    }

    /** Stops the warm-up and waits, at most {@code patience}, for its copy to close and its directory to go. */
    void close(Duration patience) {
        stopped = true;
        try {
            thread.join(Math.max(1, patience.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The warm-up did not stop within {} ms; its thread ends with the JVM", patience.toMillis());
        }
    }

    @Override
    public void close() {
        close(BUDGET);
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /**
     * Decides {@code calls} made-up calls, or as many as fit in {@code budget} once the copy is set up, or come before
     * {@code stop} says so, in {@code dir}: emptied before (a process killed meanwhile leaves it to the next start) and
     * deleted after, but only if it holds the warm-up's marker or does not exist. The report's time includes setting
     * up and tearing down. 0 calls does nothing.
     */
    static Report run(TopologySettings appSettings, LimiterSettings limiter, Path dir, int calls, Duration budget, BooleanSupplier stop) {
        if (calls <= 0) {
            return Report.NONE;
        }
        long started = System.nanoTime();
        Report report;
        boolean ours = false;
        try {
            if (Files.exists(dir) && !Files.exists(dir.resolve(MARKER))) {
                throw new IllegalStateException(dir + " exists and is not a warm-up's directory: left as it is");
            }
            deleteQuietly(dir);
            Files.createDirectories(dir);
            Files.createFile(dir.resolve(MARKER));
            ours = true;
            report = decide(appSettings, limiter, dir, calls, budget, stop);
        } catch (Exception | LinkageError e) {
            LOG.warn("The start-up warm-up failed ({}); the first calls are decided on a cold JVM", e.toString());
            LOG.debug("The start-up warm-up failed", e);
            report = Report.NONE;
        } finally {
            if (ours) {
                deleteQuietly(dir);
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new Report(report.calls(), report.dispatched(), report.delayed(), report.rejected(), millis);
    }

    private static Report decide(TopologySettings appSettings, LimiterSettings limiter, Path dir, int calls, Duration budget,
                                 BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            return Report.NONE;
        }
        try (InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0)) {
            ValueSerdeFactory serdes = new ValueSerdeFactory("", registry.url());
            TopicNames topics = appSettings.topics();
            Serializer<SpecificRecord> values = serdes.serializer();
            PolicyCatalog catalog = new PolicyCatalog(limiter, serdes.deserializer(Policy.class), serdes.deserializer(Account.class));
            try (TollgateMetrics metrics = new TollgateMetrics();
                 TopologyTestDriver driver = new TopologyTestDriver(TollgateTopology.build(appSettings, new TollgateTopology.ValueSerdes(values,
                         serdes.deserializer(ApiRequest.class), serdes.deserializer(DispatchResult.class), serdes.deserializer(Account.class)),
                         catalog, metrics), driverProps(dir), MOCK_START)) {
                Instant now = MOCK_START;
                Feed feed = new Feed(driver, topics, serdes.deserializer(DispatchedCall.class));
                PolicyFile.Contents contents = PolicyFile.parse(policyFile(), "classpath:presets", limiter);
                contents.policies().forEach(p -> feed.policies.pipeInput(p.getId(), values.serialize(topics.policies(), p), MOCK_START));
                contents.accounts().forEach(a -> feed.accounts.pipeInput(a.getId(), values.serialize(topics.accounts(), a), MOCK_START));
                Duration step = Duration.ofMillis(appSettings.punctuationMs());
                long queueSteps = Math.max(1, QUEUE_TIME.toMillis() / step.toMillis());
                long deadline = System.nanoTime() + budget.toNanos();
                int sent = 0;
                long stepsAfterTheLastCall = 0;
                while (stepsAfterTheLastCall < queueSteps && System.nanoTime() < deadline && !stop.getAsBoolean()) {
                    for (int i = 0; i < CALLS_PER_PUNCTUATION && sent < calls; i++, sent++) {
                        ApiRequest request = request(sent, now);
                        feed.requests.pipeInput(request.getAccount(), values.serialize(topics.requests(), request), now);
                    }
                    driver.advanceWallClockTime(step);
                    now = now.plus(step);
                    for (DispatchedCall call : feed.dispatched()) {
                        DispatchResult result = answered(call);
                        feed.results.pipeInput(result.getAccount(), values.serialize(topics.results(), result), now);
                    }
                    feed.dropUnread(driver);
                    if (sent == calls) {
                        stepsAfterTheLastCall++;
                    }
                }
                return new Report(sent, feed.dispatched, feed.delayed, feed.rejected, 0);
            }
        }
    }

    /** The input and output topics of the copy. What it produces is counted and dropped, so that none of it piles up. */
    private static final class Feed {
        final TestInputTopic<String, byte[]> requests;
        final TestInputTopic<String, byte[]> results;
        final TestInputTopic<String, byte[]> policies;
        final TestInputTopic<String, byte[]> accounts;
        private final TopicNames topics;
        private final TestOutputTopic<String, DispatchedCall> dispatch;
        private final Map<String, TestOutputTopic<byte[], byte[]>> unread = new HashMap<>();
        int dispatched;
        int delayed;
        int rejected;

        Feed(TopologyTestDriver driver, TopicNames topics, Deserializer<DispatchedCall> dispatchedCalls) {
            this.topics = topics;
            StringSerializer keys = new StringSerializer();
            ByteArraySerializer bytes = new ByteArraySerializer();
            requests = driver.createInputTopic(topics.requests(), keys, bytes);
            results = driver.createInputTopic(topics.results(), keys, bytes);
            policies = driver.createInputTopic(topics.policies(), keys, bytes);
            accounts = driver.createInputTopic(topics.accounts(), keys, bytes);
            dispatch = driver.createOutputTopic(topics.dispatch(), new StringDeserializer(), dispatchedCalls);
        }

        List<DispatchedCall> dispatched() {
            List<DispatchedCall> calls = dispatch.readValuesToList();
            dispatched += calls.size();
            return calls;
        }

        /** Every other topic the copy wrote to (delays, rejections, changelogs, the account log) is read and dropped. */
        void dropUnread(TopologyTestDriver driver) {
            for (String topic : driver.producedTopicNames()) {
                if (topic.equals(topics.dispatch())) {
                    continue;
                }
                int records = unread.computeIfAbsent(topic, t -> driver.createOutputTopic(t, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())).readRecordsToList().size();
                if (topic.equals(topics.delay())) {
                    delayed += records;
                } else if (topic.equals(topics.rejected())) {
                    rejected += records;
                }
            }
        }
    }

    /** Every preset, and the accounts: Pipedrive's (sliding windows, daily budgets, the cost table), one in ten the forms platform's (permits). */
    private static String policyFile() {
        StringBuilder yaml = new StringBuilder("include: [classpath:presets/all.yaml]\naccounts:\n");
        for (int a = 0; a < ACCOUNTS; a++) {
            yaml.append(a % 10 == 9
                    ? "  - {id: warmup-" + a + ", policy: forms-platform, timeZone: UTC}\n"
                    : "  - {id: warmup-" + a + ", policy: pipedrive, plan: lite, seats: 2, timeZone: Europe/Tallinn}\n");
        }
        return yaml.toString();
    }

    private static ApiRequest request(int i, Instant now) {
        String account = "warmup-" + (i % ACCOUNTS);
        boolean post = i % 10 == 3;
        return ApiRequest.newBuilder().setRequestId("warmup-" + i).setAccount(account)
                .setCredentialRef(account + "/token-" + (i / ACCOUNTS % 3)).setAuthKind(i % 7 == 0 ? AuthKind.OAUTH : AuthKind.API_TOKEN)
                .setUser("user-" + (i % 5)).setIntegration(i % 4 == 0 ? "sync" : "import").setMethod(post ? "POST" : "GET")
                .setPath(post ? "/api/v2/deals" : "/api/v2/deals/" + i).setApiVersion("v2")
                .setHeaders(new HashMap<>()).setSubmittedAt(now).build();
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
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.warn("The warm-up's directory {} was not deleted ({})", dir, e.toString());
        }
    }
}
