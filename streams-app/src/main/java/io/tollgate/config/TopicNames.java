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

    /** Internal: the policies in force, as the policy gate let them through (only valid records; the global store reads it). */
    public String policiesInForce() {
        return prefix + "policies-in-force";
    }

    /** Internal: the accounts in force, as the account gate let them through. */
    public String accountsInForce() {
        return prefix + "accounts-in-force";
    }

    /** Keyed by account id, co-partitioned. */
    public List<String> perAccount() {
        return List.of(requests(), routed(), dispatch(), delay(), rejected(), results());
    }

    /** Compacted: what users write, and what is in force (read whole by every instance). */
    public List<String> compacted() {
        return List.of(policies(), accounts(), policiesInForce(), accountsInForce());
    }
}
