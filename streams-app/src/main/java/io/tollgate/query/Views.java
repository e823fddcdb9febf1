package io.tollgate.query;

import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the query API, in one place so that they and {@code openapi.yaml} are read side by
 * side. Times are ISO-8601 instants (UTC) or null.
 */
public final class Views {

    private Views() {
    }

    /**
     * Every answer about one account: which partition holds it, which instance answered, and the changelog
     * positions the answer reflects (compare two answers to see whether the stores moved on between them).
     */
    public record Answer<T>(String account, int partition, String answeredBy, Map<String, Map<Integer, Long>> position, T data) {
    }

    /** One counter: a rule of the account's policy and the subject it counts for. */
    public record CounterView(String rule, String description, String subject, String mode, String limitKind, long limit,
                              Long vendorLimit, long used, long remaining, String resetAt, boolean binding, String runsOutAt,
                              long untracked) {
    }

    /** What the vendor told Tollgate of one credential: a pause, or its own (lower) limits. */
    public record CredentialView(String subject, String pausedUntil, String pauseReason, Map<String, Long> vendorLimits) {
    }

    public record UsageView(String policy, String zone, List<CounterView> counters, List<CredentialView> credentials, String asOf) {
    }

    public record TallyView(String key, long calls, long units) {
    }

    public record TodayView(String day, String zone, String by, long calls, long units, String lastCallAt,
                            List<TallyView> usage, List<Long> callsByHour, Map<String, Long> outcomes) {
    }

    public record CallView(String at, String requestId, String integration, String user, String method, String entity,
                           String apiVersion, long cost, String outcome, Integer status, Long latencyMs, String waitedFor,
                           String detail) {
    }

    public record CallsView(int limit, List<CallView> calls) {
    }

    /**
     * One lane of the waiting queue: an integration on a credential.
     *
     * @param nextWakeAt when its first call may go, as last computed (null: to be evaluated at once)
     */
    public record LaneView(String integration, String credential, int waiting, String oldestWaitingSince, long oldestWaitMs,
                           String nextWakeAt, String heldBy) {
    }

    public record QueueView(int waiting, String nextWakeAt, List<LaneView> lanes) {
    }

    public record AccountView(String id, String policy, String plan, Integer seats, String timeZone) {
    }

    public record RuleView(String id, String mode, String key, String limit, String limitKind, String maxWait,
                           boolean feedback) {
    }

    public record PolicyView(String id, String maxWait, List<RuleView> rules, int exemptions, int costRows, List<String> pathAliases) {
    }
}
