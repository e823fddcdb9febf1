package io.tollgate.config;

import java.util.List;

/**
 * The names of Tollgate's topics, all under one prefix (default {@code tollgate.}). The per-account
 * topics are keyed by account id and must have the same number of partitions.
 */
public record TopicNames(String prefix) {

    public static final TopicNames DEFAULT = new TopicNames("tollgate.");

    public String requests() {
        return prefix + "requests";
    }

    public String dispatch() {
        return prefix + "dispatch";
    }

    public String delay() {
        return prefix + "delay";
    }

    public String rejected() {
        return prefix + "rejected";
    }

    public String results() {
        return prefix + "results";
    }

    /**
     * Internal: requests that arrived on another partition than the one their account hashes to (a
     * producer with another partitioner, such as librdkafka's default), forwarded to the task that owns
     * the account.
     */
    public String routed() {
        return prefix + "requests-routed";
    }

    public String policies() {
        return prefix + "policies";
    }

    public String accounts() {
        return prefix + "accounts";
    }

    /** Keyed by account id, co-partitioned. */
    public List<String> perAccount() {
        return List.of(requests(), routed(), dispatch(), delay(), rejected(), results());
    }

    /** Compacted, read whole by every instance. */
    public List<String> compacted() {
        return List.of(policies(), accounts());
    }
}
