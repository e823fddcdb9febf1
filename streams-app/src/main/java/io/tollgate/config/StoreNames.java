package io.tollgate.config;

/**
 * State store names. They name the changelog topics too, so they never change once released.
 */
public final class StoreNames {

    /** Counter states, keyed by account, rule and subject. */
    public static final String LIMIT_STATE = "limit-state";
    /** Waiting calls, keyed by account, lane, priority and sequence. */
    public static final String WAITING = "waiting-calls";
    /** Per account: its lanes with waiting calls, the round-robin cursor and the next wake-up. */
    public static final String ACCOUNT_QUEUES = "account-queues";
    /** Waiting calls by deadline, so a call whose deadline passes is rejected wherever it waits. */
    public static final String DEADLINES = "deadlines";
    /** Dispatched calls awaiting their result. */
    public static final String IN_FLIGHT = "in-flight";
    /** Request ids seen recently, for idempotency. */
    public static final String REQUEST_IDS = "request-ids";
    /** Global: policies by id. */
    public static final String POLICIES = "policies";
    /** Global: accounts by id. */
    public static final String ACCOUNTS = "accounts";

    private StoreNames() {
    }
}
