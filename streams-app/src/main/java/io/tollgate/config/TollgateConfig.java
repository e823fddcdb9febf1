package io.tollgate.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Tollgate's configuration, in layers: defaults &lt; properties file &lt; environment
 * ({@code TOLLGATE_FOO_BAR} is {@code foo.bar}) &lt; command line ({@code --foo.bar=value}). Parsed once
 * and validated at start: an unknown key or a bad value stops the app with a message naming the key
 * and the layer it came from. Keys under {@code streams.}, {@code producer.}, {@code consumer.} and
 * {@code admin.} pass through to those Kafka clients; {@code security.protocol}, {@code sasl.*} and
 * {@code ssl.*} to all of them.
 */
public final class TollgateConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION = "topic.replication.factor";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String STREAM_THREADS = "num.stream.threads";
    public static final String STANDBY_REPLICAS = "num.standby.replicas";
    public static final String POLICY_FILE = "policy.file";
    public static final String DEFAULT_POLICY = "default.policy";
    public static final String PUNCTUATION_INTERVAL_MS = "punctuation.interval.ms";
    public static final String DISPATCH_LEAD_MS = "dispatch.lead.ms";
    public static final String DISPATCH_JITTER_MS = "dispatch.jitter.ms";
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
    /** host:port the other instances reach this one's REST API at (Kafka Streams' application.server). */
    public static final String REST_ADVERTISED_ADDRESS = "rest.advertised.address";
    /** When set, every endpoint but /health and /ready requires {@code Authorization: Bearer <token>}. */
    public static final String REST_AUTH_TOKEN = "rest.auth.token";
    public static final String VALUE_SERDE_CLASS = "value.serde.class";

    private static final Map<String, String> DEFAULTS = defaults();
    private static final String[] PASS_THROUGH = {"streams.", "producer.", "consumer.", "admin."};
    /** Kafka security settings: given once, they reach every client Tollgate creates (admin, producer, Streams). */
    private static final String[] CLIENT_SECURITY = {"security.protocol", "sasl.", "ssl."};

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private TollgateConfig(Map<String, String> values, Map<String, String> origins) {
        this.values = Collections.unmodifiableMap(values);
        this.origins = origins;
        validate();
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(BOOTSTRAP_SERVERS, "");
        d.put(SCHEMA_REGISTRY_URL, "");
        d.put(TOPIC_PREFIX, "tollgate.");
        d.put(TOPIC_PARTITIONS, "4");
        d.put(TOPIC_REPLICATION, "1");
        d.put(APPLICATION_ID, "tollgate-limiter");
        d.put(STATE_DIR, Path.of(System.getProperty("java.io.tmpdir"), "tollgate-state").toString());
        d.put(PROCESSING_GUARANTEE, "exactly_once_v2");
        d.put(COMMIT_INTERVAL_MS, "100");
        d.put(STREAM_THREADS, "1");
        d.put(STANDBY_REPLICAS, "1");
        d.put(POLICY_FILE, "");
        d.put(DEFAULT_POLICY, "");
        d.put(PUNCTUATION_INTERVAL_MS, "20");
        d.put(DISPATCH_LEAD_MS, "300");
        d.put(DISPATCH_JITTER_MS, "100");
        d.put(RESULT_WAIT_MS, "10000");
        d.put(RATE_LIMITED_PAUSE_MS, "2000");
        d.put(BLOCKED_PAUSE_MS, "900000");
        d.put(REQUEST_MAX_BYTES, "262144");
        d.put(MAX_ATTEMPTS, "5");
        d.put(MAX_STALE_RETURNS, "10");
        d.put(DISPATCH_SEND_MARGIN_MS, "50");
        d.put(SHUTDOWN_TIMEOUT_MS, "30000");
        d.put(HEALTH_STALL_TIMEOUT_MS, "30000");
        d.put(INSTANCE_ID, "auto");
        d.put(DEDUP_RETENTION_MS, "86400000");
        d.put(REST_HOST, "127.0.0.1");
        d.put(REST_PORT, "8080");
        d.put(REST_ADVERTISED_ADDRESS, "");
        d.put(REST_AUTH_TOKEN, "");
        d.put(VALUE_SERDE_CLASS, "io.tollgate.schemas.serde.AvroSerde");
        return d;
    }

    /** Defaults only; for tests and embedding. */
    public static TollgateConfig defaultsWith(Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> origins = new LinkedHashMap<>();
        values.keySet().forEach(k -> origins.put(k, "default"));
        overrides.forEach((k, v) -> {
            values.put(k, v);
            origins.put(k, "override");
        });
        return new TollgateConfig(values, origins);
    }

    /** All layers: {@code --config=<file>} (or TOLLGATE_CONFIG), environment, then {@code --key=value} arguments. */
    public static TollgateConfig load(String[] args, Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> origins = new LinkedHashMap<>();
        values.keySet().forEach(k -> origins.put(k, "default"));

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
                String key = name.substring("TOLLGATE_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                put(values, origins, key, value, "environment " + name);
            }
        });
        cli.forEach((k, v) -> put(values, origins, k, v, "argument --" + k));
        return new TollgateConfig(values, origins);
    }

    private static void put(Map<String, String> values, Map<String, String> origins, String key, String value, String origin) {
        values.put(key.trim(), value.trim());
        origins.put(key.trim(), origin);
    }

    private void validate() {
        for (String key : values.keySet()) {
            if (!DEFAULTS.containsKey(key) && !isPassThrough(key)) {
                throw new ConfigException("unknown configuration key '" + key + "' (from " + origins.get(key)
                        + "); known keys: " + new TreeMap<>(DEFAULTS).keySet() + " and streams.*, producer.*, consumer.*, admin.*, security.protocol, sasl.*, ssl.*");
            }
        }
        positive(TOPIC_PARTITIONS);
        positive(TOPIC_REPLICATION);
        positive(COMMIT_INTERVAL_MS);
        positive(STREAM_THREADS);
        atLeast(STANDBY_REPLICAS, 0);
        positive(PUNCTUATION_INTERVAL_MS);
        atLeast(DISPATCH_LEAD_MS, 0);
        atLeast(DISPATCH_JITTER_MS, 0);
        atLeast(RESULT_WAIT_MS, 0);
        atLeast(RATE_LIMITED_PAUSE_MS, 0);
        atLeast(BLOCKED_PAUSE_MS, 0);
        positive(REQUEST_MAX_BYTES);
        positive(MAX_ATTEMPTS);
        positive(MAX_STALE_RETURNS);
        atLeast(DISPATCH_SEND_MARGIN_MS, 0);
        positive(SHUTDOWN_TIMEOUT_MS);
        positive(HEALTH_STALL_TIMEOUT_MS);
        positive(DEDUP_RETENTION_MS);
        atLeast(REST_PORT, 0);
        String advertised = string(REST_ADVERTISED_ADDRESS);
        if (!advertised.isBlank() && !advertised.matches("[A-Za-z0-9.\\[\\]:_-]+:\\d{1,5}")) {
            throw new ConfigException(REST_ADVERTISED_ADDRESS + " must be host:port, got '" + advertised + "' (from "
                    + origins.get(REST_ADVERTISED_ADDRESS) + ")");
        }
        String guarantee = string(PROCESSING_GUARANTEE);
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            throw new ConfigException(PROCESSING_GUARANTEE + " must be exactly_once_v2 or at_least_once, got '" + guarantee
                    + "' (from " + origins.get(PROCESSING_GUARANTEE) + ")");
        }
        if (longValue(PUNCTUATION_INTERVAL_MS) > 1000) {
            throw new ConfigException(PUNCTUATION_INTERVAL_MS + " above 1000 ms would hold calls back long after the limit allows them");
        }
        // Settings under which every call comes back STALE: refused here rather than found out by a loop.
        if (longValue(DISPATCH_JITTER_MS) <= longValue(DISPATCH_SEND_MARGIN_MS)) {
            throw new ConfigException(DISPATCH_JITTER_MS + " (" + longValue(DISPATCH_JITTER_MS) + ", from " + origins.get(DISPATCH_JITTER_MS)
                    + ") must be above the dispatcher's " + DISPATCH_SEND_MARGIN_MS + " (" + longValue(DISPATCH_SEND_MARGIN_MS)
                    + "): a slot no longer than the margin can never be used, and every call would come back STALE");
        }
        if (longValue(COMMIT_INTERVAL_MS) >= longValue(DISPATCH_LEAD_MS)) {
            throw new ConfigException(COMMIT_INTERVAL_MS + " (" + longValue(COMMIT_INTERVAL_MS) + ", from " + origins.get(COMMIT_INTERVAL_MS)
                    + ") must be below " + DISPATCH_LEAD_MS + " (" + longValue(DISPATCH_LEAD_MS) + "): a dispatched call becomes readable "
                    + "only when its transaction commits, so it would reach the dispatcher after its slot, and come back STALE");
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

    /** {@code security.protocol}, {@code sasl.*} and {@code ssl.*}: for every Kafka client. */
    public Map<String, String> clientSecurity() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (isClientSecurity(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private void positive(String key) {
        atLeast(key, 1);
    }

    private void atLeast(String key, long min) {
        long value = longValue(key);
        if (value < min) {
            throw new ConfigException(key + " must be at least " + min + ", got " + value + " (from " + origins.get(key) + ")");
        }
    }

    public String string(String key) {
        return values.getOrDefault(key, "");
    }

    public long longValue(String key) {
        String value = string(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, got '" + value + "' (from " + origins.get(key) + ")");
        }
    }

    public int intValue(String key) {
        return Math.toIntExact(longValue(key));
    }

    /** Whether {@code key} was left at its default. */
    public boolean isDefault(String key) {
        return "default".equals(origins.get(key));
    }

    public boolean isEmbedded() {
        return string(BOOTSTRAP_SERVERS).isBlank();
    }

    public TopicNames topics() {
        return new TopicNames(string(TOPIC_PREFIX));
    }

    /** Keys under {@code prefix} with the prefix removed, e.g. all {@code streams.*} settings. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** A copy with some values replaced (the embedded broker's address, say). */
    public TollgateConfig with(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, String> o = new LinkedHashMap<>(origins);
        overrides.forEach((k, val) -> {
            v.put(k, val);
            o.put(k, "runtime");
        });
        return new TollgateConfig(v, o);
    }

    /** Every value with its origin, for the startup log; values of secret-looking keys are hidden. */
    public Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, (looksSecret(k) ? "[hidden]" : v) + "  (" + origins.get(k) + ")"));
        return out;
    }

    static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("token")
                || k.contains("credential") || k.endsWith(".key") || k.contains("basic.auth.user.info");
    }
}
