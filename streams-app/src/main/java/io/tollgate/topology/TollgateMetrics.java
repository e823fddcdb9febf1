package io.tollgate.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one app instance, exposed in the Prometheus text format. Names and labels only: no
 * request content, account data or credential ever becomes a label value except reason codes, rule
 * ids and outcomes, which are Tollgate's own vocabulary.
 */
public final class TollgateMetrics {

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final LongAdder processed = new LongAdder();

    /** An input record was taken in (whatever became of it): what health calls progress. */
    public void recordProcessed() {
        processed.increment();
    }

    /** Input records taken in since start. */
    public long processed() {
        return processed.sum();
    }

    public void dispatched() {
        inc("tollgate_dispatched_total", "");
    }

    /** A request arrived on a partition its account does not hash to, and was forwarded. */
    public void routed() {
        inc("tollgate_routed_total", "");
    }

    public void exempt() {
        inc("tollgate_exempt_total", "");
    }

    public void delayed(String bindingRule) {
        inc("tollgate_delayed_total", "rule=\"" + bindingRule + "\"");
    }

    public void rejected(String reason) {
        inc("tollgate_rejected_total", "reason=\"" + reason + "\"");
    }

    public void result(String outcome) {
        inc("tollgate_results_total", "outcome=\"" + outcome + "\"");
    }

    /** The vendor blocked a credential: the alert. */
    public void blocked() {
        inc("tollgate_blocked_total", "");
    }

    public void shadowViolation(String ruleId) {
        inc("tollgate_shadow_violations_total", "rule=\"" + ruleId + "\"");
    }

    public void policyRefused() {
        inc("tollgate_policy_refused_total", "");
    }

    /** A call reached the vendor later than its slot allowed for; its counters were moved to match. */
    public void lateArrival() {
        inc("tollgate_late_arrivals_total", "");
    }

    /**
     * A result reached the limiter more than a second after the vendor answered: the pipeline lags,
     * and windows whose calls wait for a result cannot be reused until it comes.
     */
    public void slowResult() {
        inc("tollgate_slow_results_total", "");
    }

    /**
     * Processing failed on a record or a call in a way no validation foresaw; it was set aside
     * (rejected INTERNAL_ERROR) and logged. Any non-zero rate deserves a look.
     */
    public void internalError() {
        inc("tollgate_internal_errors_total", "");
    }

    /** A result that belongs to no dispatch in flight: a duplicate, or one of an earlier dispatch of a call that went again. */
    public void unmatchedResult() {
        inc("tollgate_unmatched_results_total", "");
    }

    /** Charges given back for a call that never reached the vendor. */
    public void refunded(String outcome) {
        inc("tollgate_refunds_total", "outcome=\"" + outcome + "\"");
    }

    /** Counters deleted because they behaved as none (their subjects stopped calling). */
    public void statesSwept(long count) {
        counters.computeIfAbsent("tollgate_states_swept_total", k -> new LongAdder()).add(count);
    }

    /** The vendor reported a limit below the policy's for a subject, and Tollgate adopted it. */
    public void vendorLimitAdopted(String ruleId) {
        inc("tollgate_vendor_limits_adopted_total", "rule=\"" + ruleId + "\"");
    }

    /**
     * Units the vendor counted against a rule that Tollgate did not send (its remaining count was below
     * Tollgate's): the users' UI actions and other tools sharing the allowance.
     */
    public void untrackedUnits(String ruleId, long units) {
        counters.computeIfAbsent(key("tollgate_untracked_units_total", "rule=\"" + ruleId + "\""), k -> new LongAdder()).add(units);
    }

    /** The vendor refused a call with a daily quota spent: the call waits for the reset, without using an attempt. */
    public void vendorQuotaSpent(String ruleId) {
        inc("tollgate_vendor_quota_spent_total", "rule=\"" + ruleId + "\"");
    }

    public void requeued(String outcome) {
        inc("tollgate_requeued_total", "outcome=\"" + outcome + "\"");
    }

    public long count(String name, String labels) {
        LongAdder adder = counters.get(key(name, labels));
        return adder == null ? 0 : adder.sum();
    }

    private void inc(String name, String labels) {
        counters.computeIfAbsent(key(name, labels), k -> new LongAdder()).increment();
    }

    private static String key(String name, String labels) {
        return labels.isEmpty() ? name : name + "{" + labels + "}";
    }

    /** Prometheus text exposition of every counter. */
    public String prometheus() {
        StringBuilder out = new StringBuilder();
        String lastName = "";
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(counters).entrySet()) {
            String name = e.getKey().contains("{") ? e.getKey().substring(0, e.getKey().indexOf('{')) : e.getKey();
            if (!name.equals(lastName)) {
                out.append("# TYPE ").append(name).append(" counter\n");
                lastName = name;
            }
            out.append(e.getKey()).append(' ').append(e.getValue().sum()).append('\n');
        }
        return out.toString();
    }
}
