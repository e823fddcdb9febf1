package io.tollgate.connect;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * Configuration of the HTTP dispatch sink, in groups: where calls go, how credentials are found, when
 * calls are sent, and where results are written. Validated when the connector starts.
 */
public final class HttpDispatchSinkConfig extends AbstractConfig {

    static final String GROUP_VENDORS = "Vendors";
    static final String GROUP_CREDENTIALS = "Credentials";
    static final String GROUP_TIMING = "Timing";
    static final String GROUP_RESULTS = "Results";

    public static final String BASE_URL = "http.base.url";
    public static final String VENDOR_URLS = "http.vendor.urls";
    public static final String REQUEST_TIMEOUT_MS = "http.request.timeout.ms";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";

    public static final String CREDENTIALS_PROVIDER = "credentials.provider.class";
    public static final String CREDENTIALS_PATH = "credentials.provider.path";
    public static final String CREDENTIALS_PROVIDER_PREFIX = "credentials.provider.config.";
    public static final String CREDENTIALS_KEY_FORMAT = "credentials.key.format";
    public static final String CREDENTIALS_CACHE_MS = "credentials.cache.ms";
    public static final String API_TOKEN_AUTH = "auth.api.token";
    public static final String OAUTH_AUTH = "auth.oauth";

    public static final String SEND_MARGIN_MS = "dispatch.send.margin.ms";
    public static final String MAX_PENDING = "dispatch.max.pending";

    public static final String RESULTS_TOPIC = "results.topic";
    public static final String RESULTS_BOOTSTRAP = "results.bootstrap.servers";
    public static final String RESULTS_PRODUCER_PREFIX = "results.producer.";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String BODY_EXCERPT_CHARS = "results.body.excerpt.chars";
    public static final String HANDOFF_TOPIC = "handoff.topic";
    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";
    private static final String GROUP_METRICS = "Metrics";

    public static final ConfigDef CONFIG = new ConfigDef()
            .define(BASE_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, url(), Importance.HIGH,
                    "Base URL of the vendor API for calls without a vendor, e.g. https://api.pipedrive.com. The request path is appended.",
                    GROUP_VENDORS, 1, Width.LONG, "Default base URL")
            .define(VENDOR_URLS, Type.LIST, "", vendorUrls(), Importance.MEDIUM,
                    "Base URL per vendor name, as name=url pairs (e.g. pipedrive=https://api.pipedrive.com,forms=https://forms.example).",
                    GROUP_VENDORS, 2, Width.LONG, "Vendor base URLs")
            .define(CONNECT_TIMEOUT_MS, Type.LONG, 5_000L, ConfigDef.Range.atLeast(100), Importance.LOW,
                    "Connection timeout. A call whose connection fails was not sent and goes back to the limiter.",
                    GROUP_VENDORS, 3, Width.SHORT, "Connect timeout (ms)")
            .define(REQUEST_TIMEOUT_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(100), Importance.MEDIUM,
                    "Time from a call's start, connecting included, until the vendor's status and headers arrive. The whole call, body "
                            + "included, is given up http.connect.timeout.ms plus twice this after it starts. A call given up: a safe one "
                            + "(GET, HEAD, OPTIONS) goes back to the limiter; an unsafe one is reported as OUTCOME_UNKNOWN and never sent twice.",
                    GROUP_VENDORS, 4, Width.SHORT, "Request timeout (ms)")
            .define(CREDENTIALS_PROVIDER, Type.CLASS, FileConfigProvider.class, Importance.HIGH,
                    "A Kafka Connect ConfigProvider that resolves credential references: FileConfigProvider (a properties file) or "
                            + "EnvVarConfigProvider (environment variables), or any other. Secrets never leave it except into the HTTP request.",
                    GROUP_CREDENTIALS, 1, Width.LONG, "Credential provider")
            .define(CREDENTIALS_PATH, Type.STRING, "", Importance.HIGH,
                    "The path passed to the provider: the properties file for FileConfigProvider; ignored by EnvVarConfigProvider.",
                    GROUP_CREDENTIALS, 2, Width.LONG, "Credential provider path")
            .define(CREDENTIALS_KEY_FORMAT, Type.STRING, "raw", ConfigDef.ValidString.in("raw", "env"), Importance.MEDIUM,
                    "How a credential reference becomes the provider key: raw (as is) or env (upper case, other characters as '_', "
                            + "prefixed TOLLGATE_CREDENTIAL_: pipedrive/acme -> TOLLGATE_CREDENTIAL_PIPEDRIVE_ACME).",
                    GROUP_CREDENTIALS, 3, Width.SHORT, "Credential key format")
            .define(CREDENTIALS_CACHE_MS, Type.LONG, 300_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How long a resolved credential is kept in memory before it is read again (rotation).",
                    GROUP_CREDENTIALS, 4, Width.SHORT, "Credential cache (ms)")
            .define(API_TOKEN_AUTH, Type.STRING, "query:api_token", auth(), Importance.MEDIUM,
                    "How an API_TOKEN credential is sent: query:<name> (Pipedrive's api_token), header:<name>, or bearer.",
                    GROUP_CREDENTIALS, 5, Width.MEDIUM, "API token placement")
            .define(OAUTH_AUTH, Type.STRING, "bearer", auth(), Importance.MEDIUM,
                    "How an OAUTH credential is sent: bearer (Authorization: Bearer), header:<name> or query:<name>.",
                    GROUP_CREDENTIALS, 6, Width.MEDIUM, "OAuth token placement")
            .define(SEND_MARGIN_MS, Type.LONG, 50L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "A call is sent only if at least this much of its slot (execute_at .. expires_at) is left; otherwise it is "
                            + "returned as STALE, because the limiter counted it for that slot. The margin is the time left for the "
                            + "call to travel to the vendor: it must cover the variation of that travel time (default half the "
                            + "limiter's default dispatch.jitter.ms of 100).",
                    GROUP_TIMING, 1, Width.SHORT, "Send margin (ms)")
            .define(MAX_PENDING, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Calls held (waiting for their time, in flight, or awaiting their result's write) before the task pauses its partitions.",
                    GROUP_TIMING, 2, Width.SHORT, "Max pending calls")
            .define(RESULTS_TOPIC, Type.STRING, "tollgate.results", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Topic the results are written to (Tollgate's results topic).",
                    GROUP_RESULTS, 1, Width.MEDIUM, "Results topic")
            .define(RESULTS_BOOTSTRAP, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka bootstrap servers for the results producer. Settings under results.producer.* pass through to it.",
                    GROUP_RESULTS, 2, Width.LONG, "Results bootstrap servers")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Schema registry URL for reading dispatched calls and writing results (Confluent wire format).",
                    GROUP_RESULTS, 3, Width.LONG, "Schema registry URL")
            .define(BODY_EXCERPT_CHARS, Type.INT, 512, ConfigDef.Range.between(0, 4096), Importance.LOW,
                    "How much of the vendor's response body a result keeps.",
                    GROUP_RESULTS, 4, Width.SHORT, "Body excerpt (characters)")
            .define(HANDOFF_TOPIC, Type.STRING, "tollgate.dispatch-handoff", Importance.MEDIUM,
                    "Topic on the results' cluster (which must hold the dispatch topic, as when the limiter writes both) where each "
                    + "task marks when it took and let go of a dispatch partition, so that "
                    + "its next owner sends at once the calls no earlier owner received, instead of holding their concurrency "
                    + "permits until their leases end. Created (one partition, kept a week) if missing. Empty: no markers.",
                    GROUP_RESULTS, 5, Width.MEDIUM, "Handoff topic")
            .define(METRICS_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Address the worker serves the dispatcher's Prometheus metrics on (with metrics.port).",
                    GROUP_METRICS, 1, Width.MEDIUM, "Metrics host")
            .define(METRICS_PORT, Type.INT, -1, ConfigDef.Range.between(-1, 65535), Importance.LOW,
                    "Port of the dispatcher's /metrics (Prometheus text; one per worker, shared by its tasks); -1 serves none, 0 any free port.",
                    GROUP_METRICS, 2, Width.SHORT, "Metrics port");

    private final Map<String, URI> vendorUrls;

    public HttpDispatchSinkConfig(Map<String, ?> originals) {
        super(CONFIG, originals);
        this.vendorUrls = parseVendorUrls(getList(VENDOR_URLS));
    }

    public URI baseUrl(String vendor) {
        if (vendor == null || vendor.isBlank()) {
            return URI.create(getString(BASE_URL));
        }
        URI url = vendorUrls.get(vendor);
        if (url == null) {
            throw new IllegalArgumentException("no base URL for vendor '" + vendor + "' (" + VENDOR_URLS + " knows " + vendorUrls.keySet() + ")");
        }
        return url;
    }

    // Typed accessors: call sites never read a key by name.

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL);
    }

    public String resultsTopic() {
        return getString(RESULTS_TOPIC);
    }

    /** The topic of partition handoff markers; empty when they are not written. */
    public java.util.Optional<String> handoffTopic() {
        String topic = getString(HANDOFF_TOPIC);
        return topic == null || topic.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(topic.strip());
    }

    /** The configured {@link org.apache.kafka.common.config.provider.ConfigProvider}, set up with {@code credentials.provider.config.*}. */
    public ConfigProvider credentialsProvider() {
        return getConfiguredInstance(CREDENTIALS_PROVIDER, ConfigProvider.class, providerConfig());
    }

    public String credentialsPath() {
        return getString(CREDENTIALS_PATH);
    }

    public String credentialsKeyFormat() {
        return getString(CREDENTIALS_KEY_FORMAT);
    }

    public long credentialsCacheMs() {
        return getLong(CREDENTIALS_CACHE_MS);
    }

    /** Where an API token goes: {@code bearer}, {@code query:<name>} or {@code header:<name>}. */
    public String apiTokenPlacement() {
        return getString(API_TOKEN_AUTH);
    }

    /** Where an OAuth token goes: {@code bearer}, {@code query:<name>} or {@code header:<name>}. */
    public String oauthPlacement() {
        return getString(OAUTH_AUTH);
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS));
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getLong(CONNECT_TIMEOUT_MS));
    }

    public long sendMarginMs() {
        return getLong(SEND_MARGIN_MS);
    }

    public int maxPending() {
        return getInt(MAX_PENDING);
    }

    public int bodyExcerptChars() {
        return getInt(BODY_EXCERPT_CHARS);
    }

    public String metricsHost() {
        return getString(METRICS_HOST);
    }

    /** The port of the dispatcher's /metrics, when it serves them (a negative port serves none). */
    public java.util.OptionalInt metricsPort() {
        int port = getInt(METRICS_PORT);
        return port < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(port);
    }

    public Map<String, Object> providerConfig() {
        return originalsWithPrefix(CREDENTIALS_PROVIDER_PREFIX);
    }

    public Map<String, Object> producerConfig() {
        return originalsWithPrefix(RESULTS_PRODUCER_PREFIX);
    }

    /**
     * Everything the results producer is created with: idempotent writes of every result, and whatever
     * {@code results.producer.*} adds or overrides (Kafka's security settings among them).
     */
    public Map<String, Object> resultsProducerConfig() {
        Map<String, Object> producer = new LinkedHashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, getString(RESULTS_BOOTSTRAP));
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        producer.putAll(producerConfig());
        return producer;
    }

    private static Map<String, URI> parseVendorUrls(List<String> pairs) {
        Map<String, URI> urls = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            urls.put(pair.substring(0, eq).trim(), URI.create(pair.substring(eq + 1).trim()));
        }
        return urls;
    }

    private static ConfigDef.Validator url() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value == null) {
                throw new ConfigException(name, null, "a base URL such as https://api.pipedrive.com is required");
            }
            checkUrl(name, value.toString());
        }, () -> "an http or https URL");
    }

    private static ConfigDef.Validator vendorUrls() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            for (Object o : (List<?>) value) {
                String pair = o.toString();
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException(name, pair, "expected vendor=url");
                }
                checkUrl(name, pair.substring(eq + 1).trim());
            }
        }, () -> "vendor=url pairs, comma-separated");
    }

    private static void checkUrl(String name, String text) {
        try {
            URI uri = URI.create(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new ConfigException(name, text, "must be an http or https URL with a host");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, text, "not a URL: " + e.getMessage());
        }
    }

    private static ConfigDef.Validator auth() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            String v = value == null ? "" : value.toString();
            if (!v.equals("bearer") && !v.matches("(query|header):[A-Za-z0-9_.-]+")) {
                throw new ConfigException(name, v, "must be bearer, query:<name> or header:<name>");
            }
        }, () -> "bearer, query:<name> or header:<name>");
    }
}
