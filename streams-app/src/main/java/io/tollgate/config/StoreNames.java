package io.tollgate.config;

/**
 * State store names. They name the changelog topics too, so they never change once released.
 */
public final class StoreNames {

    /**
     * Per account and subject (a credential, a user, the account, an integration): every counter of that
     * subject, and a credential's pause, in one value that a decision reads and writes once. Earlier
     * releases kept a key per counter in "limit-state".
     */
    public static final String COUNTERS = "subject-counters";
    /** Waiting calls, keyed by account, lane, priority and sequence. */
    public static final String WAITING = "waiting-calls";
    /** Per account: its lanes with waiting calls, the round-robin cursor and the next wake-up. */
    public static final String ACCOUNT_QUEUES = "account-queues";
    /** Waiting calls by deadline, so a call whose deadline passes is rejected wherever it waits. */
    public static final String DEADLINES = "deadlines";
    /**
     * Per account and request id: the call in flight awaiting its result, then when the id was last used
     * (idempotency). Key-value, swept after the retention: Kafka Streams 4.3 does not find the committed
     * offsets of a segmented store on a clean hand-over under exactly-once, and wipes the whole task.
     * Earlier releases kept the two apart, in "calls-in-flight" and "request-id-memory".
     */
    public static final String CALL_LEDGER = "call-ledger";
    /** Per account: what it did in its current day (usage by user, integration, entity, ...), for the usage API. */
    public static final String ACTIVITY = "account-activity";
    /** Per account: its last calls, a ring of {@code RECENT_CALLS_KEPT} slots keyed by account and slot. */
    public static final String RECENT_CALLS = "recent-calls";
    /** How many calls each account's log keeps (the forms platform's console shows 250). */
    public static final int RECENT_CALLS_KEPT = 250;
    /**
     * The stores of earlier releases that this one replaced, kept so that an upgrade restores them from their
     * changelogs and moves what they hold into the stores above (once, then they stay empty): counters by
     * account, rule and subject; calls in flight and request ids by account and request id.
     */
    public static final String LEGACY_LIMIT_STATE = "limit-state";
    public static final String LEGACY_IN_FLIGHT = "calls-in-flight";
    public static final String LEGACY_REQUEST_IDS = "request-id-memory";
    /** Global: policies by id. */
    public static final String POLICIES = "policies";
    /** Global: accounts by id. */
    public static final String ACCOUNTS = "accounts";

    private StoreNames() {
    }
}
