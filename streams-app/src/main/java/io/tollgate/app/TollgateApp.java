package io.tollgate.app;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.config.StoreNames;
import io.tollgate.config.TollgateConfig;
import io.tollgate.config.TopicNames;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.policy.PolicyFile;
import io.tollgate.query.AccountQueries;
import io.tollgate.query.CatalogQueries;
import io.tollgate.query.QueryRouter;
import io.tollgate.rest.QueryApi;
import io.tollgate.rest.RestServer;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.topology.AccountResolver;
import io.tollgate.topology.EarlyResults;
import io.tollgate.topology.PolicyCatalog;
import io.tollgate.topology.RejectingExceptionHandler;
import io.tollgate.topology.TollgateMetrics;
import io.tollgate.topology.TollgateTopology;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tollgate: the limiter topology on Kafka Streams, its topics, its seeded policies and its
 * REST endpoints. Without {@code bootstrap.servers} it brings its own broker and schema registry.
 */
public final class TollgateApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TollgateApp.class);

    /** Results kept per partition until its task's next punctuation takes them (20 ms apart): far more than arrive. */
    private static final int EARLY_RESULTS_PER_PARTITION = 10_000;

    private final TollgateConfig config;
    private final EmbeddedKafka kafka;
    private final InProcessSchemaRegistry registry;
    private final KafkaStreams streams;
    private final RestServer rest;
    private final TollgateMetrics metrics;
    private final Health health;
    private final PolicyFile.Contents seed;
    /** Null when results are not read ahead ({@code results.read.ahead=false}). */
    private final EarlyResultsReader earlyReader;
    private final StartupWarmup warmup;

    private TollgateApp(TollgateConfig config, EmbeddedKafka kafka, InProcessSchemaRegistry registry, KafkaStreams streams,
                        RestServer rest, TollgateMetrics metrics, Health health, PolicyFile.Contents seed, EarlyResultsReader earlyReader,
                        StartupWarmup warmup) {
        this.config = config;
        this.earlyReader = earlyReader;
        this.warmup = warmup;
        this.kafka = kafka;
        this.registry = registry;
        this.streams = streams;
        this.rest = rest;
        this.metrics = metrics;
        this.health = health;
        this.seed = seed;
    }

    public static TollgateApp start(TollgateConfig requested) throws Exception {
        EmbeddedKafka kafka = null;
        InProcessSchemaRegistry registry = null;
        try {
            TollgateConfig config = requested;
            Map<String, String> runtime = new HashMap<>();
            if (config.isEmbedded()) {
                kafka = EmbeddedKafka.start();
                runtime.put(TollgateConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            }
            if (config.schemaRegistryUrl().isBlank()) {
                // Only the embedded default gets here: the configuration refuses an external broker without a registry.
                registry = InProcessSchemaRegistry.start(0);
                runtime.put(TollgateConfig.SCHEMA_REGISTRY_URL, registry.url());
            }
            if (config.isEmbedded() && config.isDefault(TollgateConfig.STATE_DIR)) {
                // The embedded broker starts empty every time: so must the state that mirrors it.
                runtime.put(TollgateConfig.STATE_DIR, java.nio.file.Files.createTempDirectory("tollgate-state").toString());
            }
            if (config.isEmbedded() && config.isDefault(TollgateConfig.STANDBY_REPLICAS)) {
                // One instance on its own broker: there is nowhere to put a standby.
                runtime.put(TollgateConfig.STANDBY_REPLICAS, "0");
            }
            if (config.isEmbedded() && config.policyFile().isEmpty()) {
                runtime.put(TollgateConfig.POLICY_FILE, "classpath:presets/demo.yaml");
            }
            config = config.with(runtime);
            return start(config, kafka, registry);
        } catch (Exception | Error e) {
            if (registry != null) {
                registry.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    private static TollgateApp start(TollgateConfig config, EmbeddedKafka kafka, InProcessSchemaRegistry registry) throws Exception {
        TopicNames topics = config.topics();
        LimiterSettings limiter = config.limiterSettings();
        // Read and validate the policy file before anything else: a bad file stops here, naming the field.
        PolicyFile.Contents seed = config.policyFile().isEmpty() ? null
                : PolicyFile.load(config.policyFile().get(), limiter);

        Map<String, Object> clients = new HashMap<>();
        clients.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        clients.putAll(config.clientSecurity());
        clients.putAll(config.withPrefix("admin."));
        int partitions;
        try (Admin admin = Admin.create(clients)) {
            partitions = TopicAdmin.ensureTopics(admin, topics, config.topicPartitions(),
                    config.topicReplicationFactor());
        }
        ValueSerdeFactory serdes = new ValueSerdeFactory(config.valueSerdeClass(),
                config.schemaRegistryUrl());
        if (seed != null) {
            try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producerProps(config), new StringSerializer(),
                    serdes.serializer())) {
                PolicySeeder.seed(seed, topics, producer);
            }
        }

        TollgateMetrics metrics = new TollgateMetrics();
        EarlyResults earlyResults = config.resultsReadAhead() ? new EarlyResults(EARLY_RESULTS_PER_PARTITION) : EarlyResults.NONE;
        PolicyCatalog catalog = new PolicyCatalog(limiter, serdes.deserializer(Policy.class), serdes.deserializer(Account.class));
        Topology topology = TollgateTopology.build(config.topologySettings(partitions), new TollgateTopology.ValueSerdes(serdes.serializer(),
                serdes.deserializer(ApiRequest.class), serdes.deserializer(DispatchResult.class), serdes.deserializer(Account.class)),
                catalog, metrics, earlyResults);
        // The REST server starts first: the port it binds (rest.port 0 picks one) is the address the other
        // instances forward queries to, which Kafka Streams must know before it starts.
        AtomicReference<Health> healthOf = new AtomicReference<>();
        AtomicReference<KafkaStreams> streamsOf = new AtomicReference<>();
        QueryRouter router = new QueryRouter();
        QueryApi api = new QueryApi(router, new AccountQueries(new Limiter(limiter), new AccountResolver(catalog,
                id -> globalStore(streamsOf.get(), StoreNames.POLICIES).get(id), id -> globalStore(streamsOf.get(), StoreNames.ACCOUNTS).get(id),
                config.defaultPolicy(), topics.accounts())),
                new CatalogQueries(streamsOf::get, catalog), System::currentTimeMillis);
        RestServer rest = RestServer.start(config.restHost(), config.restPort(),
                config.restAuthToken(), () -> healthOf.get() == null
                        ? new Health.Status(true, false, "CREATED", java.util.List.of("starting")) : healthOf.get().status(), metrics, api);
        KafkaStreams streams;
        Health health;
        EarlyResultsReader earlyReader = null;
        StartupWarmup warmup = null;
        try {
            if (earlyResults != EarlyResults.NONE) {
                Map<String, Object> readerSettings = new HashMap<>(config.clientSecurity());
                readerSettings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
                readerSettings.putAll(config.withPrefix("consumer."));
                try {
                    earlyReader = EarlyResultsReader.start(readerSettings, topics.results(), earlyResults, config.applicationId() + "-early-results");
                } catch (RuntimeException e) {
                    // Only an optimisation: the stream threads read every result anyway.
                    LOG.warn("Results are not read ahead ({}): windows may wait longer for them behind bursts", e.toString());
                }
            }
            String advertised = config.advertisedAddress(rest.port());
            String advertisedHost = advertised.substring(0, advertised.lastIndexOf(':'));
            if (advertisedHost.equals("0.0.0.0") || advertisedHost.equals("::") || advertisedHost.equals("[::]")) {
                LOG.warn("The REST API is advertised to the other instances as {}, which none of them can reach: set "
                        + "rest.advertised.address, or queries of another instance's accounts fail", advertised);
            } else {
                LOG.info("Queries of this instance's accounts reach it at {} (rest.advertised.address); with instances on "
                        + "several hosts, that must be an address the others can reach", advertised);
            }
            Properties props = streamsProps(config);
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised);
            RejectingExceptionHandler.install(props, topics.rejected(), serdes.serializer(), metrics);
            streams = new KafkaStreams(topology, props);
            health = Health.of(streams, metrics, config.healthStallTimeout().toMillis());
            Health failing = health;
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("Stream thread failed; replacing it, it resumes from the last commit", e);
                failing.threadFailed(e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            healthOf.set(health);
            streamsOf.set(streams);
            // Kafka Streams' own metrics and those of its clients (consumer lag, commit rates, RocksDB), and the JVM's.
            metrics.bind(new KafkaStreamsMetrics(streams));
            metrics.bind(new JvmMemoryMetrics());
            metrics.bind(new JvmGcMetrics());
            metrics.bind(new JvmThreadMetrics());
            router.attach(streams, HostInfo.buildFromEndpoint(advertised));
            warmup = StartupWarmup.startInBackground(config.topologySettings(partitions), limiter,
                    config.stateDir().resolve(config.applicationId() + "-warmup"), config.startupWarmupCalls(), () -> metrics.processed() > 0);
            streams.start();
        } catch (RuntimeException e) {
            if (warmup != null) {
                warmup.close();
            }
            if (earlyReader != null) {
                earlyReader.close();
            }
            if (streamsOf.get() != null) {
                streamsOf.get().close(Duration.ofSeconds(5));
            }
            metrics.close();
            rest.close();
            throw e;
        }
        return new TollgateApp(config, kafka, registry, streams, rest, metrics, health, seed, earlyReader, warmup);
    }

    private static ReadOnlyKeyValueStore<String, byte[]> globalStore(KafkaStreams streams, String name) {
        if (streams == null) {
            throw new io.tollgate.query.Unavailable("Tollgate is starting");
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new io.tollgate.query.Unavailable("the " + name + " store is not ready (" + streams.state() + ")");
        }
    }

    static Properties streamsProps(TollgateConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(config.commitIntervalMs()));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(config.streamThreads()));
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, String.valueOf(config.standbyReplicas()));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, String.valueOf(config.topicReplicationFactor()));
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName());
        p.put(BoundedRocksDbMemory.MEMORY_BYTES, String.valueOf(config.rocksDbMemoryBytes()));
        p.put(BoundedRocksDbMemory.MEMTABLE_BYTES, String.valueOf(config.rocksDbMemtableBytes()));
        // Fail-over (docs/RELIABILITY.md). A member that dies is noticed after the session timeout, and its
        // partitions move; 6 s is the broker's minimum. A member that restarts with the same instance id
        // (static membership) takes its partitions back without a rebalance. The transaction timeout stays
        // well above the session timeout, so that a survivor's transaction, open while the group waits for a
        // dead member, is not aborted under it; and low enough that a dead member's open transaction, which
        // holds back read_committed readers of its partitions, is aborted within seconds.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1500");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "10000");
        // A task stays with an instance that has its state until another has caught up as a warm-up replica
        // (checked every minute): an instance that comes back empty must not take tasks it would first have to
        // restore, and stall their accounts meanwhile.
        p.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, "100");
        p.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, "60000");
        config.staticMembershipId().ifPresent(id -> p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // Requests and results of a task are independent streams: process whichever has data, without
        // waiting to align their timestamps (a result must release a permit or correct a window at once).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        // A thread blocked in poll() cannot punctuate: never block longer than the punctuation interval.
        p.put(StreamsConfig.POLL_MS_CONFIG, String.valueOf(config.punctuationIntervalMs()));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
        // A fetch the broker holds open delays data of partitions it does not include: keep it short, so
        // that results (which release permits and correct windows) are read within milliseconds.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "10");
        // A stream thread works through everything it has buffered before it polls again, and the
        // consumer hands out fetched partitions first in, first out: a burst of thousands of requests
        // would hold back the results fetched behind it for seconds. Small fetches and polls keep a
        // result at most a few hundred records behind.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "100");
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), String.valueOf(16 * 1024));
        // Security settings at the top level reach every client Kafka Streams makes (consumers, producers, admin).
        config.clientSecurity().forEach(p::put);
        config.withPrefix("streams.").forEach(p::put);
        config.withPrefix("producer.").forEach((k, v) -> p.put(StreamsConfig.producerPrefix(k), v));
        config.withPrefix("consumer.").forEach((k, v) -> p.put(StreamsConfig.consumerPrefix(k), v));
        return p;
    }

    static Map<String, Object> producerProps(TollgateConfig config) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One batch at a time: a few seed records, and nothing to reorder if the first write meets a leader change.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.putAll(config.clientSecurity());
        p.putAll(config.withPrefix("producer."));
        return p;
    }

    /**
     * Waits until the streams app is running and the policies and accounts it was seeded with are in
     * force (they pass the policy gate first), or throws after {@code timeout}.
     */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING || !seedInForce()) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("Tollgate did not reach RUNNING with its policies in force within " + timeout
                        + " (state " + streams.state() + ")");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private boolean seedInForce() {
        if (seed == null) {
            return true;
        }
        try {
            ReadOnlyKeyValueStore<String, byte[]> policies = streams.store(
                    StoreQueryParameters.fromNameAndType(StoreNames.POLICIES, QueryableStoreTypes.keyValueStore()));
            ReadOnlyKeyValueStore<String, byte[]> accounts = streams.store(
                    StoreQueryParameters.fromNameAndType(StoreNames.ACCOUNTS, QueryableStoreTypes.keyValueStore()));
            return seed.policies().stream().allMatch(p -> policies.get(p.getId()) != null)
                    && seed.accounts().stream().allMatch(a -> accounts.get(a.getId()) != null);
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }

    public Health.Status health() {
        return health.status();
    }

    public TollgateConfig config() {
        return config;
    }

    public String bootstrapServers() {
        return config.bootstrapServers();
    }

    public String registryUrl() {
        return config.schemaRegistryUrl();
    }

    public java.net.URI restUrl() {
        return rest.url();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public TollgateMetrics metrics() {
        return metrics;
    }

    /**
     * Stops everything within {@code shutdown.timeout.ms}: Kafka Streams gets most of it to commit and close
     * its tasks cleanly; what does not stop in time is left to the JVM's exit.
     */
    @Override
    public void close() {
        long closing = System.nanoTime();
        warmup.close(Duration.ofMillis(Math.min(StartupWarmup.BUDGET.toMillis(), config.shutdownTimeout().toMillis() / 6)));
        long budgetMs = config.shutdownTimeout().toMillis() - (System.nanoTime() - closing) / 1_000_000;
        // Leave the group even as a static member: its partitions move to warm standbys at once, instead of
        // after a session timeout. (Static membership still spares a rebalance when a crashed instance returns.)
        if (earlyReader != null) {
            earlyReader.close();
        }
        CloseOptions options = CloseOptions.timeout(Duration.ofMillis(budgetMs * 2 / 3))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
        if (!streams.close(options)) {
            LOG.warn("Kafka Streams did not close within {} ms (state {})", budgetMs * 2 / 3, streams.state());
        }
        health.close();
        rest.close();
        metrics.close();
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
