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
    /**
     * Dispatched calls awaiting their result, keyed by account and request id. (Key-value stores with a
     * sweep, not window stores: Kafka Streams 4.3 does not find the committed offsets of a segmented
     * store on a clean hand-over under exactly-once, and wipes the whole task. The window stores of
     * earlier releases were "in-flight" and "request-ids".)
     */
    public static final String IN_FLIGHT = "calls-in-flight";
    /** Request ids seen recently, for idempotency, keyed by account and request id; the value is when. */
    public static final String REQUEST_IDS = "request-id-memory";
    /** Per account: what it did in its current day (usage by user, integration, entity, ...), for the usage API. */
    public static final String ACTIVITY = "account-activity";
    /** Per account: its last calls, a ring of {@code RECENT_CALLS_KEPT} slots keyed by account and slot. */
    public static final String RECENT_CALLS = "recent-calls";
    /** How many calls each account's log keeps (the forms platform's console shows 250). */
    public static final int RECENT_CALLS_KEPT = 250;
    /** Global: policies by id. */
    public static final String POLICIES = "policies";
    /** Global: accounts by id. */
    public static final String ACCOUNTS = "accounts";

    private StoreNames() {
    }
}
