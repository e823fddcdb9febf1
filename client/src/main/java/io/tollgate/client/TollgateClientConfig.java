package io.tollgate.client;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The client's settings. Any other key (security settings, {@code client.id}, ...) is passed to the Kafka
 * producer and consumer as it is, so the client connects to a cluster the way any Kafka client does.
 */
public final class TollgateClientConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String OUTCOME_TIMEOUT_MS = "outcome.timeout.ms";
    public static final String REQUEST_MAX_BYTES = "request.max.bytes";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "The Kafka cluster Tollgate runs on.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The schema registry requests are written through (Confluent's, or Tollgate's embedded one).")
            .define(TOPIC_PREFIX, Type.STRING, "tollgate.", Importance.MEDIUM,
                    "The prefix of Tollgate's topics: the same as the limiter's topic.prefix.")
            .define(OUTCOME_TIMEOUT_MS, Type.LONG, 600_000L, Range.between(1, OutcomeTracker.MAX_TIMEOUT.toMillis()), Importance.MEDIUM,
                    "How long submit() waits for a call's outcome before its future fails with an OutcomeTimeoutException. "
                            + "The call itself is not withdrawn: it may still be dispatched or rejected after that.")
            .define(REQUEST_MAX_BYTES, Type.INT, 262_144, Range.atLeast(1), Importance.LOW,
                    "Requests whose body, path and headers are larger are refused before they are sent: the limiter's "
                            + "request.max.bytes, which refuses them without the ids an outcome is matched by.");

    public TollgateClientConfig(Map<String, ?> settings) {
        super(DEFINITION, settings);
    }

    String topic(String name) {
        return getString(TOPIC_PREFIX) + name;
    }

    /** What the Kafka producer and consumer get: the cluster, and every key the client does not define itself. */
    Map<String, Object> kafkaSettings() {
        Map<String, Object> kafka = new HashMap<>(originals());
        DEFINITION.names().forEach(kafka::remove);
        kafka.put(BOOTSTRAP_SERVERS, getList(BOOTSTRAP_SERVERS));
        return kafka;
    }
}
