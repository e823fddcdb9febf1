package io.tollgate.config;

import static io.tollgate.config.TollgateConfig.APPLICATION_ID;
import static io.tollgate.config.TollgateConfig.BLOCKED_PAUSE_MS;
import static io.tollgate.config.TollgateConfig.BOOTSTRAP_SERVERS;
import static io.tollgate.config.TollgateConfig.COMMIT_INTERVAL_MS;
import static io.tollgate.config.TollgateConfig.CONCURRENCY_PREFETCH;
import static io.tollgate.config.TollgateConfig.DEDUP_RETENTION_MS;
import static io.tollgate.config.TollgateConfig.DEFAULT_POLICY;
import static io.tollgate.config.TollgateConfig.DISPATCH_CLOCK_TOLERANCE_MS;
import static io.tollgate.config.TollgateConfig.DISPATCH_JITTER_MS;
import static io.tollgate.config.TollgateConfig.DISPATCH_LEAD_MS;
import static io.tollgate.config.TollgateConfig.DISPATCH_SEND_MARGIN_MS;
import static io.tollgate.config.TollgateConfig.HEALTH_STALL_TIMEOUT_MS;
import static io.tollgate.config.TollgateConfig.INSTANCE_ID;
import static io.tollgate.config.TollgateConfig.MAX_ATTEMPTS;
import static io.tollgate.config.TollgateConfig.MAX_STALE_RETURNS;
import static io.tollgate.config.TollgateConfig.POLICY_FILE;
import static io.tollgate.config.TollgateConfig.PROCESSING_GUARANTEE;
import static io.tollgate.config.TollgateConfig.PUNCTUATION_INTERVAL_MS;
import static io.tollgate.config.TollgateConfig.RATE_LIMITED_PAUSE_MS;
import static io.tollgate.config.TollgateConfig.REQUEST_MAX_BYTES;
import static io.tollgate.config.TollgateConfig.REST_ADVERTISED_ADDRESS;
import static io.tollgate.config.TollgateConfig.REST_AUTH_TOKEN;
import static io.tollgate.config.TollgateConfig.REST_HOST;
import static io.tollgate.config.TollgateConfig.REST_PORT;
import static io.tollgate.config.TollgateConfig.RESULTS_READ_AHEAD;
import static io.tollgate.config.TollgateConfig.RESULT_WAIT_MS;
import static io.tollgate.config.TollgateConfig.ROCKSDB_MEMORY_BYTES;
import static io.tollgate.config.TollgateConfig.ROCKSDB_MEMTABLE_BYTES;
import static io.tollgate.config.TollgateConfig.SCHEMA_REGISTRY_URL;
import static io.tollgate.config.TollgateConfig.SHUTDOWN_TIMEOUT_MS;
import static io.tollgate.config.TollgateConfig.STANDBY_REPLICAS;
import static io.tollgate.config.TollgateConfig.STARTUP_WARMUP_CALLS;
import static io.tollgate.config.TollgateConfig.STATE_DIR;
import static io.tollgate.config.TollgateConfig.STREAM_THREADS;
import static io.tollgate.config.TollgateConfig.TOPIC_PARTITIONS;
import static io.tollgate.config.TollgateConfig.TOPIC_PREFIX;
import static io.tollgate.config.TollgateConfig.TOPIC_REPLICATION;
import static io.tollgate.config.TollgateConfig.VALUE_SERDE_CLASS;
import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.PASSWORD;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Every Tollgate setting, defined once: type, default, what values are valid, importance, documentation and
 * group. Parsing, validation, the README's configuration table and the startup log all read this. Rules that
 * tie two keys together are in {@link TollgateConfig}, checked when the configuration is built.
 */
public final class TollgateConfigDef {

    public static final String GROUP_KAFKA = "Kafka";
    public static final String GROUP_POLICIES = "Policies";
    public static final String GROUP_LIMITER = "Limiter";
    public static final String GROUP_REST = "REST API";
    public static final String GROUP_OPERATIONS = "Operations";

    /** The definitions, in the order the documentation lists them. */
    public static final ConfigDef DEFINITION = build();

    private TollgateConfigDef() {
    }

    private static ConfigDef build() {
        Definitions d = new Definitions();
        d.group(GROUP_KAFKA)
                .key(BOOTSTRAP_SERVERS, STRING, "", null, HIGH,
                        "Kafka. Empty starts an embedded broker and schema registry, seeded with the presets and two demo accounts.")
                .key(SCHEMA_REGISTRY_URL, STRING, "", null, HIGH,
                        "The schema registry every producer and instance shares. Required when `bootstrap.servers` is set.")
                .key(TOPIC_PREFIX, STRING, "tollgate.", null, MEDIUM, "Prefix of every topic.")
                .key(TOPIC_PARTITIONS, INT, 4, Range.atLeast(1), MEDIUM, "Partitions of the topics Tollgate creates.")
                .key(TOPIC_REPLICATION, INT, 1, Range.between(1, Short.MAX_VALUE), MEDIUM,
                        "Replication factor of the topics Tollgate creates, and of Kafka Streams' internal topics.")
                .key(APPLICATION_ID, STRING, "tollgate-limiter", null, MEDIUM, "Kafka Streams' application id (the consumer group).")
                .key(STATE_DIR, STRING, "", null, MEDIUM,
                        "Where Kafka Streams keeps its RocksDB state. Empty is `tollgate-state` in the temp directory; "
                                + "the embedded default takes a fresh temp directory on every start.")
                .key(ROCKSDB_MEMORY_BYTES, LONG, 256L << 20, Range.atLeast(8L << 20), MEDIUM,
                        "The most memory the RocksDB stores of an instance use outside the heap (block cache and write buffers, "
                                + "shared by every store and task), in bytes.")
                .key(ROCKSDB_MEMTABLE_BYTES, LONG, 64L << 20, Range.atLeast(1L << 20), LOW,
                        "The part of `rocksdb.memory.bytes` the stores' write buffers may take. Must be below it.")
                .key(PROCESSING_GUARANTEE, STRING, "exactly_once_v2", ValidString.in("exactly_once_v2", "at_least_once"), MEDIUM,
                        "Kafka Streams' processing guarantee.")
                .key(COMMIT_INTERVAL_MS, LONG, 100L, Range.atLeast(1), MEDIUM,
                        "Kafka Streams' commit interval. Must be below `dispatch.lead.ms`: a dispatched call is readable only once "
                                + "its transaction commits.")
                .key(STREAM_THREADS, INT, 1, Range.atLeast(1), MEDIUM, "Kafka Streams' stream threads.")
                .key(STANDBY_REPLICAS, INT, 1, Range.atLeast(0), MEDIUM,
                        "Kafka Streams' standby replicas (the embedded default runs none: it has one instance).")
                .key(INSTANCE_ID, STRING, "auto", null, LOW,
                        "Static group membership: `auto` is the host name and REST port (none when the port is 0); empty for none.")
                .key(VALUE_SERDE_CLASS, STRING, "io.tollgate.schemas.serde.AvroSerde", null, LOW,
                        "A Confluent-compatible Serde class for the topics' values.");
        d.group(GROUP_POLICIES)
                .key(POLICY_FILE, STRING, "", null, HIGH, "Policies and accounts published at start (a path or `classpath:`).")
                .key(DEFAULT_POLICY, STRING, "", null, MEDIUM, "Policy for accounts without a record; empty rejects them.");
        d.group(GROUP_LIMITER)
                .key(DISPATCH_LEAD_MS, LONG, 300L, Range.atLeast(0), MEDIUM, "How far ahead of the decision a call's slot opens.")
                .key(DISPATCH_JITTER_MS, LONG, 100L, Range.atLeast(0), MEDIUM,
                        "Slot length; windows are checked over window + jitter. Must be above `dispatch.send.margin.ms`.")
                .key(DISPATCH_CLOCK_TOLERANCE_MS, LONG, 10L, Range.between(0, 60_000), MEDIUM,
                        "How far apart the clocks of the dispatcher's workers may be (an account's calls move between them when "
                                + "the connector's tasks move). A window frees a call one window after the vendor's answer, as its result "
                                + "dates it, plus this.")
                .key(DISPATCH_SEND_MARGIN_MS, LONG, 50L, Range.atLeast(0), MEDIUM,
                        "The dispatcher's send margin (its own key of the same name must match).")
                .key(CONCURRENCY_PREFETCH, INT, 4, Range.between(0, 64), MEDIUM,
                        "Calls sent ahead per concurrency permit, held by the dispatcher until one frees (only for calls that "
                                + "no window counts); 0 leaves every permit to the limiter.")
                .key(RESULTS_READ_AHEAD, BOOLEAN, true, null, MEDIUM,
                        "Read results on a consumer of their own as soon as they are written, and apply them at the next "
                                + "punctuation: behind a burst of requests the stream thread's own consumer hands them out seconds late, "
                                + "and windows wait for them.")
                .key(STARTUP_WARMUP_CALLS, INT, 3_000, Range.between(0, 1_000_000), LOW,
                        "Made-up calls a copy of the topology decides on a thread of its own while the stream threads join "
                                + "(in a directory under state.dir, with no broker), so that a JVM seconds old meets its first burst "
                                + "with its decision path compiled; at most 10 s, and it stops at the first real record. 0 starts cold.")
                .key(RESULT_WAIT_MS, LONG, 10_000L, Range.atLeast(0), MEDIUM,
                        "How long past its window a call whose result has not come keeps counting.")
                .key(PUNCTUATION_INTERVAL_MS, LONG, 20L,
                        between(1, 1000, "a longer interval would hold calls back long after the limit allows them"), MEDIUM,
                        "How often waiting calls are looked at.")
                .key(RATE_LIMITED_PAUSE_MS, LONG, 2_000L, Range.atLeast(0), MEDIUM,
                        "Pause after a 429 that gives no reset, or a call that did not reach the vendor.")
                .key(BLOCKED_PAUSE_MS, LONG, 900_000L, Range.atLeast(0), MEDIUM, "Pause after a 403 block page.")
                .key(MAX_ATTEMPTS, INT, 5, Range.atLeast(1), MEDIUM,
                        "Times a call may reach the vendor and come back (429, block, no answer) before it is rejected.")
                .key(MAX_STALE_RETURNS, INT, 10, Range.atLeast(1), LOW,
                        "Times a call may come back STALE (not sent, too late for its slot) before it is rejected. A call that waited at "
                                + "the dispatcher for a concurrency permit that did not free in time is not counted: its maxWait and deadline bound it.")
                .key(REQUEST_MAX_BYTES, INT, 262_144, Range.atLeast(1), LOW, "Larger requests are rejected.")
                .key(DEDUP_RETENTION_MS, LONG, 86_400_000L, Range.atLeast(1), LOW, "How long request ids are remembered.");
        d.group(GROUP_REST)
                .key(REST_HOST, STRING, "127.0.0.1", null, MEDIUM,
                        "Address the HTTP API, the dashboard, `/health`, `/ready` and `/metrics` listen on.")
                .key(REST_PORT, INT, 8080, Range.between(0, 65_535), MEDIUM, "Their port; 0 picks a free one.")
                .key(REST_ADVERTISED_ADDRESS, STRING, "", hostAndPort(), MEDIUM,
                        "host:port the other instances forward queries to (`application.server`). Empty is `rest.host` and the port bound.")
                .key(REST_AUTH_TOKEN, PASSWORD, "", null, MEDIUM,
                        "When set, every endpoint but `/health` and `/ready` wants `Authorization: Bearer <token>`.");
        d.group(GROUP_OPERATIONS)
                .key(HEALTH_STALL_TIMEOUT_MS, LONG, 30_000L, Range.atLeast(1), LOW,
                        "`/health` is DOWN when records wait on the input and none was processed for this long.")
                .key(SHUTDOWN_TIMEOUT_MS, LONG, 30_000L, Range.atLeast(1), LOW, "The longest a stop may take; past it the process halts.");
        return d.def;
    }

    /** A range whose message says why it ends where it does. */
    private static Validator between(long min, long max, String why) {
        Range range = Range.between(min, max);
        return ConfigDef.LambdaValidator.with((name, value) -> {
            try {
                range.ensureValid(name, value);
            } catch (org.apache.kafka.common.config.ConfigException e) {
                throw new org.apache.kafka.common.config.ConfigException(name, value,
                        "must be between " + min + " and " + max + ": " + why);
            }
        }, range::toString);
    }

    private static Validator hostAndPort() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            String s = (String) value;
            if (s != null && !s.isBlank() && !s.matches("[A-Za-z0-9.\\[\\]:_-]+:\\d{1,5}")) {
                throw new org.apache.kafka.common.config.ConfigException(name, value, "must be host:port");
            }
        }, () -> "host:port, or empty");
    }

    /** Defines keys group by group, numbering them within their group. */
    private static final class Definitions {
        private final ConfigDef def = new ConfigDef();
        private String group;
        private int order;

        Definitions group(String name) {
            group = name;
            order = 0;
            return this;
        }

        Definitions key(String name, Type type, Object defaultValue, Validator validator, Importance importance, String doc) {
            def.define(name, type, defaultValue, validator, importance, doc, group, ++order, Width.MEDIUM, name);
            return this;
        }
    }
}
