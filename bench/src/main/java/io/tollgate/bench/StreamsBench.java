package io.tollgate.bench;

import io.tollgate.app.EmbeddedKafka;
import io.tollgate.app.TollgateApp;
import io.tollgate.app.TopicAdmin;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.config.TollgateConfig;
import io.tollgate.config.TopicNames;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Decisions per second of the limiter, against Kafka Streams apps that read the same records from the same
 * embedded broker with the same settings (exactly_once_v2, commit every 100 ms, one thread): a pass-through (bytes
 * in, bytes out), an app doing one store read and write per record, and two that read and write the state a
 * limiter keeps, with none of its work. They alternate, so each ratio comes from neighbouring runs on this shared
 * machine. The limiter uses the Pipedrive preset: a GET of the bench matches two rules (its token's burst and its
 * account's daily budget), a POST a third (its user's daily writes); every call is admitted.
 */
public final class StreamsBench {

    static final TopicNames TOPICS = new TopicNames("bench.");
    private static final String PASS_THROUGH_TOPIC = "bench.passthrough";
    private static final String GET_PUT_TOPIC = "bench.getput";

    private StreamsBench() {
    }

    public static void main(String[] args) throws Exception {
        // --tollgate.<key>=<value> sets a Tollgate configuration key for the limiter's rounds (to compare settings).
        BenchArgs parsed = BenchArgs.parse(args, Map.of("records", "100000", "accounts", "1000", "rounds", "2", "partitions", "4"));
        Map<String, String> tollgateSettings = parsed.tollgateSettings();
        int records = parsed.number("records");
        int accounts = parsed.number("accounts");
        int rounds = parsed.number("rounds");
        int partitions = parsed.number("partitions");
        Path work = Files.createTempDirectory("tollgate-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0);
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, TOPICS, partitions, (short) 1);
            admin.createTopics(List.of(new NewTopic(PASS_THROUGH_TOPIC, partitions, (short) 1),
                    new NewTopic(GET_PUT_TOPIC, partitions, (short) 1), new NewTopic(StateLayout.TOLLGATE_STORES.topic, partitions, (short) 1),
                    new NewTopic(StateLayout.ONE_ACCOUNT_VALUE.topic, partitions, (short) 1)))
                    .all().get();
            Path policy = writePolicy(work, accounts);
            long produced = produce(kafka.bootstrapServers(), registry.url(), records, accounts);
            System.out.printf("Produced %d requests (%d accounts x 3 credentials) to %s, %d partitions, in %d ms%n",
                    records, accounts, TOPICS.requests(), partitions, produced);
            System.out.printf("%-7s %-14s %10s %10s %10s%n", "round", "app", "records/s", "/ pass", "/ get-put");
            for (int round = 1; round <= rounds; round++) {
                double passThrough = passThrough(kafka.bootstrapServers(), admin, work, round, records);
                double getPut = getPut(kafka.bootstrapServers(), admin, work, round, records);
                double accountState = stateOnly(StateLayout.ONE_ACCOUNT_VALUE, kafka.bootstrapServers(), admin, work, round, records,
                        accounts);
                double tollgateState = stateOnly(StateLayout.TOLLGATE_STORES, kafka.bootstrapServers(), admin, work, round, records,
                        accounts);
                double tollgate = tollgate(kafka.bootstrapServers(), registry.url(), admin, work, policy, round, records, tollgateSettings);
                System.out.printf("%-7d %-14s %10.0f%n", round, "pass-through", passThrough);
                System.out.printf("%-7d %-14s %10.0f %10.2f%n", round, "get-put", getPut, getPut / passThrough);
                System.out.printf("%-7d %-14s %10.0f %10.2f %10.2f%n", round, "account-state", accountState, accountState / passThrough,
                        accountState / getPut);
                System.out.printf("%-7d %-14s %10.0f %10.2f %10.2f%n", round, "tollgate-state", tollgateState, tollgateState / passThrough,
                        tollgateState / getPut);
                System.out.printf("%-7d %-14s %10.0f %10.2f %10.2f%n", round, "tollgate", tollgate, tollgate / passThrough, tollgate / getPut);
            }
        }
    }

    /** A policy file: the Pipedrive preset, and {@code accounts} accounts on its top plan (every call admitted). */
    static Path writePolicy(Path work, int accounts) throws Exception {
        StringBuilder yaml = new StringBuilder("include: [classpath:presets/pipedrive.yaml]\naccounts:\n");
        for (int a = 0; a < accounts; a++) {
            yaml.append("  - {id: acct-").append(a).append(", policy: pipedrive, plan: ultimate, seats: 100}\n");
        }
        return Files.writeString(work.resolve("bench-policy.yaml"), yaml.toString());
    }

    private static long produce(String bootstrap, String registryUrl, int records, int accounts) {
        long start = System.nanoTime();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(),
                new AvroSerializer<>(new SchemaRegistryClient(registryUrl), true))) {
            Instant now = Instant.now();
            for (int i = 0; i < records; i++) {
                ApiRequest request = request(i, accounts, now);
                producer.send(new ProducerRecord<>(TOPICS.requests(), request.getAccount(), request));
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static double passThrough(String bootstrap, Admin admin, Path work, int round, int records) throws Exception {
        String appId = "bench-passthrough-" + round;
        Topology topology = new Topology();
        topology.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), TOPICS.requests());
        topology.addSink("out", PASS_THROUGH_TOPIC, new ByteArraySerializer(), new ByteArraySerializer(), "in");
        return plainRate(topology, bootstrap, admin, work, appId, records);
    }

    /**
     * The ceiling the limiter aims at: per record, one read and one write of a RocksDB store keyed by the
     * account (a count), then the record forwarded as it came. The store is logged and not cached: each record
     * makes a RocksDB read, a RocksDB write and a changelog record (issue 13 names this app, "about 0.6 of
     * pass-through", as the ceiling).
     */
    private static double getPut(String bootstrap, Admin admin, Path work, int round, int records) throws Exception {
        String appId = "bench-getput-" + round;
        Topology topology = new Topology();
        topology.addSource("in", new BytesDeserializer(), new ByteArrayDeserializer(), TOPICS.requests());
        topology.addProcessor("count", CountPerKey::new, "in");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CountPerKey.STORE), Serdes.Bytes(),
                Serdes.Long()), "count");
        topology.addSink("out", GET_PUT_TOPIC, new BytesSerializer(), new ByteArraySerializer(), "count");
        return plainRate(topology, bootstrap, admin, work, appId, records);
    }

    private static final class CountPerKey implements Processor<Bytes, byte[], Bytes, byte[]> {
        static final String STORE = "counts";
        private ProcessorContext<Bytes, byte[]> context;
        private KeyValueStore<Bytes, Long> counts;

        @Override
        public void init(ProcessorContext<Bytes, byte[]> context) {
            this.context = context;
            this.counts = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<Bytes, byte[]> record) {
            Long count = counts.get(record.key());
            counts.put(record.key(), count == null ? 1 : count + 1);
            context.forward(record);
        }
    }

    /**
     * A limiter's state traffic with none of its work: what Kafka Streams leaves for the limiter's decisions once its
     * stores are read and written as {@code layout} says, on this machine, in this run.
     */
    private static double stateOnly(StateLayout layout, String bootstrap, Admin admin, Path work, int round, int records, int accounts)
            throws Exception {
        String appId = "bench-" + layout.label + "-" + round;
        Topology topology = new Topology();
        topology.addSource("in", new BytesDeserializer(), new ByteArrayDeserializer(), TOPICS.requests());
        topology.addProcessor("state", () -> new StateTraffic(layout, accounts), "in");
        // As the limiter's stores: the values of subjects cached, the ledger not (a new key per call).
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StateTraffic.VALUES), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled(), "state");
        if (layout == StateLayout.TOLLGATE_STORES) {
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StateTraffic.LEDGER), Serdes.Bytes(),
                    Serdes.ByteArray()), "state");
        }
        topology.addSink("out", layout.topic, new BytesSerializer(), new ByteArraySerializer(), "state");
        return plainRate(topology, bootstrap, admin, work, appId, records);
    }

    /** How a limiter keeps its state, for {@link #stateOnly}. */
    enum StateLayout {
        /**
         * Tollgate's stores: per call, a read and a write of each subject's value the call counts against (a GET of the
         * bench counts against its credential and its account, a POST against its user too: three credentials an
         * account, seven users), and the call's ledger entry looked up and written.
         */
        TOLLGATE_STORES("tollgate-state", "bench.tollgatestate"),
        /**
         * The layout issue 13 proposed: one read and one write of an account's value per call, holding every subject's
         * counters (600 bytes: the calls in flight and the request ids it would also hold make it larger still).
         */
        ONE_ACCOUNT_VALUE("account-state", "bench.accountstate");

        final String label;
        final String topic;

        StateLayout(String label, String topic) {
            this.label = label;
            this.topic = topic;
        }
    }

    /**
     * Reads and writes state as {@link StateLayout} says, and forwards each record as it came. The first eight bytes of
     * a value count the calls of its subject; the account's count says which call of the account this is, and so,
     * as {@link #request} made them, its credential, its user and whether it is a POST.
     */
    private static final class StateTraffic implements Processor<Bytes, byte[], Bytes, byte[]> {
        static final String VALUES = "subject-values";
        static final String LEDGER = "call-ledger";
        private static final String ACCOUNT_PREFIX = "acct-";
        // About the sizes of the Pipedrive preset's encoded counters in this bench: a credential's sliding-window log
        // of a few calls, a user's day, the account's day; and all of an account's (3 x 120 + 7 x 24 + 24 bytes).
        private static final int CREDENTIAL_BYTES = 120;
        private static final int USER_BYTES = 24;
        private static final int ACCOUNT_BYTES = 24;
        private static final int ACCOUNT_VALUE_BYTES = 600;
        private final StateLayout layout;
        private final int accounts;
        private ProcessorContext<Bytes, byte[]> context;
        private KeyValueStore<Bytes, byte[]> values;
        private KeyValueStore<Bytes, byte[]> ledger;

        StateTraffic(StateLayout layout, int accounts) {
            this.layout = layout;
            this.accounts = accounts;
        }

        @Override
        public void init(ProcessorContext<Bytes, byte[]> context) {
            this.context = context;
            this.values = context.getStateStore(VALUES);
            if (layout == StateLayout.TOLLGATE_STORES) {
                this.ledger = context.getStateStore(LEDGER);
            }
        }

        @Override
        public void process(Record<Bytes, byte[]> record) {
            String account = new String(record.key().get(), StandardCharsets.UTF_8);
            if (layout == StateLayout.ONE_ACCOUNT_VALUE) {
                readAndCount(account, ACCOUNT_VALUE_BYTES);
            } else {
                long calls = readAndCount(account, ACCOUNT_BYTES);
                // The request this is: number accountNumber + calls * accounts (see request()).
                long i = Long.parseLong(account.substring(ACCOUNT_PREFIX.length())) + calls * accounts;
                readAndCount(account + "/token-" + calls % 3, CREDENTIAL_BYTES);
                if (i % 10 == 0) {
                    // Only a POST counts against its user (the preset's daily POST/PUT quota per user).
                    readAndCount(account + "/user-" + i % 7, USER_BYTES);
                }
                // The ledger entry holds the call; the request's bytes are about its size.
                Bytes call = key(account + "/b-" + i);
                if (ledger.get(call) == null) {
                    ledger.put(call, record.value());
                }
            }
            context.forward(record);
        }

        /** Reads a subject's value and writes it back with its first eight bytes counting the calls; returns the count before. */
        private long readAndCount(String subject, int size) {
            Bytes key = key(subject);
            byte[] value = values.get(key);
            long count = value == null ? 0 : ByteBuffer.wrap(value).getLong();
            byte[] next = value == null ? new byte[size] : value.clone();
            ByteBuffer.wrap(next).putLong(count + 1);
            values.put(key, next);
            return count;
        }

        private static Bytes key(String text) {
            return Bytes.wrap(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Records per second of a plain Streams app with the limiter's processing settings (exactly_once_v2, commit every 100 ms). */
    private static double plainRate(Topology topology, String bootstrap, Admin admin, Path work, String appId, int records) throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve(appId).toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            return rate(admin, appId, records, streams);
        }
    }

    private static double tollgate(String bootstrap, String registryUrl, Admin admin, Path work, Path policy, int round, int records,
                                   Map<String, String> settings) throws Exception {
        String appId = "bench-tollgate-" + round;
        try (TollgateApp app = TollgateApp.start(config(bootstrap, registryUrl, work, policy, appId, settings))) {
            double rate = rate(admin, appId, records, app.streams());
            if (System.getenv("TOLLGATE_BENCH_METRICS") != null) {
                app.streams().metrics().forEach((name, metric) -> {
                    if (name.group().equals("stream-thread-metrics") && (name.name().endsWith("-ratio") || name.name().endsWith("-avg"))) {
                        System.out.println("  " + name.name() + " = " + metric.metricValue());
                    }
                });
            }
            long dispatched = app.metrics().count("tollgate_dispatched_total", "");
            if (dispatched < records) {
                System.out.printf("  (tollgate round %d dispatched %d of %d; the rest waited or were rejected)%n", round, dispatched, records);
            }
            return rate;
        }
    }

    /** The limiter's configuration in a bench: the bench's topics and policy, one instance, {@code settings} on top. */
    static TollgateConfig config(String bootstrap, String registryUrl, Path work, Path policy, String appId, Map<String, String> settings) {
        Map<String, String> config = new HashMap<>();
        config.put(TollgateConfig.BOOTSTRAP_SERVERS, bootstrap);
        config.put(TollgateConfig.SCHEMA_REGISTRY_URL, registryUrl);
        config.put(TollgateConfig.TOPIC_PREFIX, TOPICS.prefix());
        config.put(TollgateConfig.APPLICATION_ID, appId);
        config.put(TollgateConfig.STATE_DIR, work.resolve(appId).toString());
        config.put(TollgateConfig.POLICY_FILE, policy.toString());
        config.put(TollgateConfig.REST_PORT, "0");
        // One instance, as the pass-through app: no standby to place.
        config.put(TollgateConfig.STANDBY_REPLICAS, "0");
        // No start-up warm-up: it would decide its made-up calls beside the round being measured (the rate is taken
        // warm, and round 1 stays the cold JVM it always was). --tollgate.startup.warmup.calls=3000 puts it back.
        config.put(TollgateConfig.STARTUP_WARMUP_CALLS, "0");
        config.putAll(settings);
        return TollgateConfig.defaultsWith(config);
    }

    /** A request of the bench's traffic: account {@code i % accounts}, three tokens each, one call in ten a POST. */
    static ApiRequest request(int i, int accounts, Instant submittedAt) {
        String account = "acct-" + (i % accounts);
        return ApiRequest.newBuilder().setRequestId("b-" + i).setAccount(account)
                .setCredentialRef(account + "/token-" + (i / accounts % 3)).setAuthKind(AuthKind.API_TOKEN)
                .setUser("user-" + (i % 7)).setIntegration("bench").setMethod(i % 10 == 0 ? "POST" : "GET")
                .setPath(i % 10 == 0 ? "/api/v2/deals" : "/api/v2/deals/" + i).setApiVersion("v2")
                .setHeaders(new HashMap<>()).setSubmittedAt(submittedAt).build();
    }

    /** Records per second between the first and the last commit of the app's input offsets. */
    private static double rate(Admin admin, String groupId, int records, KafkaStreams streams) throws Exception {
        GroupProgress progress = GroupProgress.of(admin, groupId, TOPICS.requests());
        long total = progress.end();
        long firstAt = 0;
        long firstCount = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException(groupId + " stopped: " + streams.state());
            }
            long done = progress.committed();
            if (done > 0 && firstAt == 0) {
                firstAt = System.nanoTime();
                firstCount = done;
            }
            if (done >= total) {
                double seconds = (System.nanoTime() - firstAt) / 1e9;
                return seconds <= 0 ? Double.NaN : (done - firstCount) / seconds;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(groupId + " did not finish " + records + " records within 10 minutes");
    }
}
