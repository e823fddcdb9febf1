package io.tollgate.activity;

/**
 * One call as the account's log shows it: a result the vendor gave, or a rejection by Tollgate. Holds no
 * request content beyond its coordinates (no body, no headers, no credential).
 *
 * @param entity the path as a template ({@code /api/v2/deals/{id}}), see {@link Entity}
 * @param outcome the dispatcher's outcome (SUCCESS, RATE_LIMITED, ...) or REJECTED
 * @param status the vendor's HTTP status, null when there was none
 * @param latencyMs the vendor's answer time, null for a rejection
 * @param waitedFor the rule the call waited for before it went, null when it went at once
 * @param detail the reason code of a rejection, null otherwise
 */
public record CallRecord(long atMs, String requestId, String integration, String user, String method, String entity,
                         String apiVersion, long cost, String outcome, Integer status, Long latencyMs, String waitedFor,
                         String detail) {

    public static final String REJECTED = "REJECTED";

    /** Outcomes of calls that did not reach the vendor: refused here, too late for their slot, not sent, no connection. */
    private static final java.util.Set<String> NOT_AT_THE_VENDOR = java.util.Set.of(REJECTED, "STALE", "NOT_SENT", "NETWORK_ERROR");

    /**
     * Whether the call reached the vendor (what the vendor counts). A call that comes back unsent goes again
     * and is counted when it does; one whose fate is unknown (OUTCOME_UNKNOWN) is counted, as the vendor may have.
     */
    public boolean reachedVendor() {
        return !NOT_AT_THE_VENDOR.contains(outcome);
    }

    String value(Dimension dimension) {
        return switch (dimension) {
            case USER -> user;
            case INTEGRATION -> integration;
            case ENTITY -> entity;
            case METHOD -> method;
            case VERSION -> apiVersion;
        };
    }
}
