package io.tollgate.config;

import io.tollgate.limiter.LimiterSettings;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.types.Password;

/**
 * Tollgate's configuration, in layers: defaults &lt; properties file &lt; environment
 * ({@code TOLLGATE_FOO_BAR} is {@code foo.bar}) &lt; command line ({@code --foo.bar=value}). Each key is
 * defined once in {@link TollgateConfigDef}; this class parses every layer against those definitions, checks
 * the rules between keys, and gives typed accessors. An unknown key or a bad value stops the app with a
 * message naming the key and the layer it came from. Keys under {@code streams.}, {@code producer.},
 * {@code consumer.} and {@code admin.} pass through to those Kafka clients; {@code security.protocol},
 * {@code sasl.*} and {@code ssl.*} to all of them.
 */
public final class TollgateConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION = "topic.replication.factor";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String ROCKSDB_MEMORY_BYTES = "rocksdb.memory.bytes";
    public static final String ROCKSDB_MEMTABLE_BYTES = "rocksdb.memtable.bytes";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String STREAM_THREADS = "num.stream.threads";
    public static final String STANDBY_REPLICAS = "num.standby.replicas";
    public static final String POLICY_FILE = "policy.file";
    public static final String DEFAULT_POLICY = "default.policy";
    public static final String PUNCTUATION_INTERVAL_MS = "punctuation.interval.ms";
    public static final String DISPATCH_LEAD_MS = "dispatch.lead.ms";
    public static final String DISPATCH_JITTER_MS = "dispatch.jitter.ms";
    public static final String DISPATCH_CLOCK_TOLERANCE_MS = "dispatch.clock.tolerance.ms";
    public static final String RESULTS_READ_AHEAD = "results.read.ahead";
    public static final String STARTUP_WARMUP_CALLS = "startup.warmup.calls";
    public static final String CONCURRENCY_PREFETCH = "concurrency.prefetch";
    public static final String RESULT_WAIT_MS = "result.wait.ms";
    public static final String RATE_LIMITED_PAUSE_MS = "rate.limited.pause.ms";
    public static final String BLOCKED_PAUSE_MS = "blocked.pause.ms";
    public static final String REQUEST_MAX_BYTES = "request.max.bytes";
    public static final String MAX_ATTEMPTS = "max.attempts";
    public static final String MAX_STALE_RETURNS = "max.stale.returns";
    public static final String DISPATCH_SEND_MARGIN_MS = "dispatch.send.margin.ms";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    public static final String HEALTH_STALL_TIMEOUT_MS = "health.stall.timeout.ms";
    public static final String INSTANCE_ID = "instance.id";
    public static final String DEDUP_RETENTION_MS = "dedup.retention.ms";
    public static final String REST_HOST = "rest.host";
    public static final String REST_PORT = "rest.port";
    public static final String REST_ADVERTISED_ADDRESS = "rest.advertised.address";
    public static final String REST_AUTH_TOKEN = "rest.auth.token";
    public static final String VALUE_SERDE_CLASS = "value.serde.class";

    private static final String[] PASS_THROUGH = {"streams.", "producer.", "consumer.", "admin."};
    /** Kafka security settings: given once, they reach every client Tollgate creates (admin, producer, Streams). */
    private static final String[] CLIENT_SECURITY = {"security.protocol", "sasl.", "ssl."};

    /** Every value as given (defaults included), for pass-through keys and the startup log. */
    private final Map<String, String> raw;
    private final Map<String, String> origins;
    /** The defined keys, parsed to their types. */
    private final Map<String, Object> parsed = new LinkedHashMap<>();

    private TollgateConfig(Map<String, String> raw, Map<String, String> origins) {
        this.raw = Collections.unmodifiableMap(raw);
        this.origins = origins;
        parse();
        checkRulesBetweenKeys();
    }

    private static Map<String, String> defaults(Map<String, String> origins) {
        Map<String, String> d = new LinkedHashMap<>();
        TollgateConfigDef.DEFINITION.configKeys().values().forEach(key -> {
            d.put(key.name, key.defaultValue instanceof Password p ? p.value() : String.valueOf(key.defaultValue));
            origins.put(key.name, "default");
        });
        return d;
    }

    /** Defaults only; for tests and embedding. */
    public static TollgateConfig defaultsWith(Map<String, String> overrides) {
        Map<String, String> origins = new LinkedHashMap<>();
        Map<String, String> values = defaults(origins);
        overrides.forEach((k, v) -> put(values, origins, k, v, "override"));
        return new TollgateConfig(values, origins);
    }

    /** All layers: {@code --config=<file>} (or TOLLGATE_CONFIG), environment, then {@code --key=value} arguments. */
    public static TollgateConfig load(String[] args, Map<String, String> environment) {
        Map<String, String> origins = new LinkedHashMap<>();
        Map<String, String> values = defaults(origins);

        Map<String, String> cli = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new ConfigException("argument '" + arg + "' is not of the form --key=value");
            }
            cli.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        String file = cli.containsKey("config") ? cli.remove("config") : environment.get("TOLLGATE_CONFIG");
        if (file != null && !file.isBlank()) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(file))) {
                props.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
            }
            props.stringPropertyNames().forEach(k -> put(values, origins, k, props.getProperty(k), "file " + file));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith("TOLLGATE_") && !name.equals("TOLLGATE_CONFIG")) {
                put(values, origins, keyOfEnvironmentVariable(name), value, "environment " + name);
            }
        });
        cli.forEach((k, v) -> put(values, origins, k, v, "argument --" + k));
        return new TollgateConfig(values, origins);
    }

    /** {@code TOLLGATE_DISPATCH_LEAD_MS} is {@code dispatch.lead.ms}. */
    public static String keyOfEnvironmentVariable(String name) {
        return name.substring("TOLLGATE_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** Whether {@code key} is a setting Tollgate knows: defined, or passed through to Kafka's clients. */
    public static boolean isKnownKey(String key) {
        return TollgateConfigDef.DEFINITION.configKeys().containsKey(key) || isPassThrough(key);
    }

    private static void put(Map<String, String> values, Map<String, String> origins, String key, String value, String origin) {
        values.put(key.trim(), value.trim());
        origins.put(key.trim(), origin);
    }

    private void parse() {
        for (String key : raw.keySet()) {
            if (!isKnownKey(key)) {
                throw new ConfigException("unknown configuration key '" + key + "' (from " + origins.get(key) + "); known keys: "
                        + new TreeMap<>(TollgateConfigDef.DEFINITION.configKeys()).keySet()
                        + " and streams.*, producer.*, consumer.*, admin.*, security.protocol, sasl.*, ssl.*");
            }
        }
        for (ConfigKey key : TollgateConfigDef.DEFINITION.configKeys().values()) {
            String value = raw.get(key.name);
            Object typed;
            try {
                typed = ConfigDef.parseType(key.name, value, key.type);
            } catch (org.apache.kafka.common.config.ConfigException e) {
                String expected = key.type == ConfigDef.Type.INT || key.type == ConfigDef.Type.LONG ? "a whole number"
                        : "of type " + key.type.name().toLowerCase(Locale.ROOT);
                throw new ConfigException(key.name + " must be " + expected + ", got '" + value + "' (from " + origins.get(key.name) + ")");
            }
            if (key.validator != null) {
                try {
                    key.validator.ensureValid(key.name, typed);
                } catch (org.apache.kafka.common.config.ConfigException e) {
                    throw new ConfigException(e.getMessage() + " (from " + origins.get(key.name) + ")");
                }
            }
            parsed.put(key.name, typed);
        }
    }

    /** Rules that tie keys together: each names both keys, their values and where they came from. */
    private void checkRulesBetweenKeys() {
        if (!bootstrapServers().isBlank() && schemaRegistryUrl().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is required with an external broker (" + BOOTSTRAP_SERVERS + " from "
                    + origins.get(BOOTSTRAP_SERVERS) + "): every producer and instance must share one registry "
                    + "(the in-process one serves only the embedded default)");
        }
        // Settings under which every call comes back STALE: refused here rather than found out by a loop.
        if (dispatchJitterMs() <= dispatchSendMarginMs()) {
            throw new ConfigException(DISPATCH_JITTER_MS + " (" + dispatchJitterMs() + ", from " + origins.get(DISPATCH_JITTER_MS)
                    + ") must be above the dispatcher's " + DISPATCH_SEND_MARGIN_MS + " (" + dispatchSendMarginMs()
                    + "): a slot no longer than the margin can never be used, and every call would come back STALE");
        }
        if (commitIntervalMs() >= dispatchLeadMs()) {
            throw new ConfigException(COMMIT_INTERVAL_MS + " (" + commitIntervalMs() + ", from " + origins.get(COMMIT_INTERVAL_MS)
                    + ") must be below " + DISPATCH_LEAD_MS + " (" + dispatchLeadMs() + "): a dispatched call becomes readable "
                    + "only when its transaction commits, so it would reach the dispatcher after its slot, and come back STALE");
        }
        if (rocksDbMemtableBytes() >= rocksDbMemoryBytes()) {
            throw new ConfigException(ROCKSDB_MEMTABLE_BYTES + " (" + rocksDbMemtableBytes() + ", from " + origins.get(ROCKSDB_MEMTABLE_BYTES)
                    + ") must be below " + ROCKSDB_MEMORY_BYTES + " (" + rocksDbMemoryBytes() + ", from " + origins.get(ROCKSDB_MEMORY_BYTES)
                    + "): the write buffers are part of that memory, and reads need some of it for the cache");
        }
    }

    private static boolean isPassThrough(String key) {
        for (String prefix : PASS_THROUGH) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return isClientSecurity(key);
    }

    private static boolean isClientSecurity(String key) {
        for (String prefix : CLIENT_SECURITY) {
            if (key.equals(prefix) || prefix.endsWith(".") && key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    // Typed accessors, one per key (or per group of keys a component needs together).

    public String bootstrapServers() {
        return (String) parsed.get(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return (String) parsed.get(SCHEMA_REGISTRY_URL);
    }

    public TopicNames topics() {
        return new TopicNames((String) parsed.get(TOPIC_PREFIX));
    }

    public int topicPartitions() {
        return (Integer) parsed.get(TOPIC_PARTITIONS);
    }

    public short topicReplicationFactor() {
        return ((Integer) parsed.get(TOPIC_REPLICATION)).shortValue();
    }

    public String applicationId() {
        return (String) parsed.get(APPLICATION_ID);
    }

    public Path stateDir() {
        String dir = (String) parsed.get(STATE_DIR);
        return dir.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "tollgate-state") : Path.of(dir);
    }

    /** The bound of the RocksDB stores' memory in this process (block cache and write buffers). */
    public long rocksDbMemoryBytes() {
        return (Long) parsed.get(ROCKSDB_MEMORY_BYTES);
    }

    /** The part of {@link #rocksDbMemoryBytes()} write buffers may take. */
    public long rocksDbMemtableBytes() {
        return (Long) parsed.get(ROCKSDB_MEMTABLE_BYTES);
    }

    public String processingGuarantee() {
        return (String) parsed.get(PROCESSING_GUARANTEE);
    }

    public long commitIntervalMs() {
        return (Long) parsed.get(COMMIT_INTERVAL_MS);
    }

    public int streamThreads() {
        return (Integer) parsed.get(STREAM_THREADS);
    }

    public int standbyReplicas() {
        return (Integer) parsed.get(STANDBY_REPLICAS);
    }

    public String valueSerdeClass() {
        return (String) parsed.get(VALUE_SERDE_CLASS);
    }

    /** The policy file to publish at start, if any. */
    public Optional<String> policyFile() {
        String file = (String) parsed.get(POLICY_FILE);
        return file.isBlank() ? Optional.empty() : Optional.of(file);
    }

    public String defaultPolicy() {
        return (String) parsed.get(DEFAULT_POLICY);
    }

    public long punctuationIntervalMs() {
        return (Long) parsed.get(PUNCTUATION_INTERVAL_MS);
    }

    public long dispatchLeadMs() {
        return (Long) parsed.get(DISPATCH_LEAD_MS);
    }

    public long dispatchJitterMs() {
        return (Long) parsed.get(DISPATCH_JITTER_MS);
    }

    /** Whether results are read on a consumer of their own, ahead of the stream threads' (see {@code EarlyResults}). */
    public boolean resultsReadAhead() {
        return (Boolean) parsed.get(RESULTS_READ_AHEAD);
    }

    /** Made-up calls a copy of the topology decides while the stream threads start (see {@code StartupWarmup}). */
    public int startupWarmupCalls() {
        return (Integer) parsed.get(STARTUP_WARMUP_CALLS);
    }

    public long dispatchSendMarginMs() {
        return (Long) parsed.get(DISPATCH_SEND_MARGIN_MS);
    }

    /** What the engine needs: slot length, pauses and how long an unanswered call keeps counting. */
    public LimiterSettings limiterSettings() {
        return new LimiterSettings(dispatchJitterMs(), (Long) parsed.get(RATE_LIMITED_PAUSE_MS), (Long) parsed.get(BLOCKED_PAUSE_MS),
                (Long) parsed.get(RESULT_WAIT_MS), (Integer) parsed.get(CONCURRENCY_PREFETCH), (Long) parsed.get(DISPATCH_CLOCK_TOLERANCE_MS));
    }

    /** What the topology needs. @param partitions the partition count of the per-account topics, as they exist */
    public TopologySettings topologySettings(int partitions) {
        return new TopologySettings(topics(), partitions, dispatchLeadMs(), punctuationIntervalMs(), (Integer) parsed.get(REQUEST_MAX_BYTES),
                (Long) parsed.get(DEDUP_RETENTION_MS), defaultPolicy(), (Integer) parsed.get(MAX_ATTEMPTS),
                (Integer) parsed.get(MAX_STALE_RETURNS), instanceName());
    }

    public String restHost() {
        return (String) parsed.get(REST_HOST);
    }

    public int restPort() {
        return (Integer) parsed.get(REST_PORT);
    }

    /** Where the other instances reach this one: rest.advertised.address, or rest.host and the port bound. */
    public String advertisedAddress(int boundPort) {
        String configured = (String) parsed.get(REST_ADVERTISED_ADDRESS);
        return configured.isBlank() ? restHost() + ":" + boundPort : configured;
    }

    /** The bearer token every endpoint but /health and /ready wants; empty for none. */
    public String restAuthToken() {
        return ((Password) parsed.get(REST_AUTH_TOKEN)).value();
    }

    public Duration healthStallTimeout() {
        return Duration.ofMillis((Long) parsed.get(HEALTH_STALL_TIMEOUT_MS));
    }

    public Duration shutdownTimeout() {
        return Duration.ofMillis((Long) parsed.get(SHUTDOWN_TIMEOUT_MS));
    }

    /** How this instance names itself in the decisions it makes: its instance id, or its REST address. */
    public String instanceName() {
        return staticMembershipId().orElse(restHost() + ":" + restPort());
    }

    /**
     * The consumer group instance id: {@code instance.id} as set, or with {@code auto} the host name and REST
     * port (unique per instance, stable across restarts), or none when the port is chosen at random.
     */
    public Optional<String> staticMembershipId() {
        String id = ((String) parsed.get(INSTANCE_ID)).trim();
        if (id.equals("auto")) {
            if (restPort() == 0) {
                return Optional.empty();
            }
            String host = System.getenv().getOrDefault("HOSTNAME", "");
            if (host.isBlank()) {
                try {
                    host = InetAddress.getLocalHost().getHostName();
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
            id = host + "-" + restPort();
        }
        // Kafka allows letters, digits, '.', '_' and '-' in an instance id.
        String legal = id.replaceAll("[^A-Za-z0-9._-]", "-");
        return legal.isEmpty() ? Optional.empty() : Optional.of(legal.length() > 200 ? legal.substring(0, 200) : legal);
    }

    /** {@code security.protocol}, {@code sasl.*} and {@code ssl.*}: for every Kafka client. */
    public Map<String, String> clientSecurity() {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (isClientSecurity(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Whether {@code key} was left at its default. */
    public boolean isDefault(String key) {
        return "default".equals(origins.get(key));
    }

    public boolean isEmbedded() {
        return bootstrapServers().isBlank();
    }

    /** Keys under {@code prefix} with the prefix removed, e.g. all {@code streams.*} settings. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** A copy with some values replaced (the embedded broker's address, say). */
    public TollgateConfig with(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(raw);
        Map<String, String> o = new LinkedHashMap<>(origins);
        overrides.forEach((k, val) -> put(v, o, k, val, "runtime"));
        return new TollgateConfig(v, o);
    }

    /** Every value with its origin, for the startup log; passwords and values of secret-looking keys are hidden. */
    public Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        raw.forEach((k, v) -> out.put(k, (isHidden(k) ? "[hidden]" : v) + "  (" + origins.get(k) + ")"));
        // Left empty, the state directory is still somewhere: say where.
        out.put(STATE_DIR, stateDir() + "  (" + origins.get(STATE_DIR) + ")");
        return out;
    }

    private static boolean isHidden(String key) {
        ConfigKey defined = TollgateConfigDef.DEFINITION.configKeys().get(key);
        return defined != null ? defined.type == ConfigDef.Type.PASSWORD : looksSecret(key);
    }

    static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("token")
                || k.contains("credential") || k.endsWith(".key") || k.contains("basic.auth.user.info");
    }
}
