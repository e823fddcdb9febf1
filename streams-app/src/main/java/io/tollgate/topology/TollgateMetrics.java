package io.tollgate.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tollgate.limiter.RejectReason;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metrics of one app instance, on Micrometer's Prometheus registry (Kafka Streams' and the clients'
 * own metrics are bound to the same registry by the app). Tollgate's counters are named as Prometheus
 * shows them ({@code tollgate_dispatched_total}); labels are Tollgate's own vocabulary only (reason
 * codes, rule ids, outcomes): no request content, account data or credential ever becomes a label.
 */
public final class TollgateMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LongAdder processed = new LongAdder();
    private final java.util.Map<String, Counter> untagged = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<String, String> METER_NAMES = new java.util.concurrent.ConcurrentHashMap<>();
    private final Timer waits = Timer.builder("tollgate.wait").description("how long calls waited in Tollgate before they went")
            .publishPercentiles(0.5, 0.99).register(registry);
    private final Timer dispatchLag = Timer.builder("tollgate.dispatch.lag")
            .description("how late the dispatcher started calls after their slot").publishPercentiles(0.5, 0.99, 0.999).register(registry);

    /** The registry, for binders (Kafka Streams, clients, JVM) and the exposition. */
    public MeterRegistry registry() {
        return registry;
    }

    private final java.util.List<AutoCloseable> binders = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Binds {@code binder}'s meters; one that holds resources (a refresh thread) is closed with the metrics. */
    public void bind(io.micrometer.core.instrument.binder.MeterBinder binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            binders.add(closeable);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                // closing on the way out: nothing left to do with it
            }
        }
        registry.close();
    }

    private final java.util.concurrent.atomic.AtomicLong waiting = new java.util.concurrent.atomic.AtomicLong();

    {
        io.micrometer.core.instrument.Gauge.builder("tollgate.queue.waiting", waiting, java.util.concurrent.atomic.AtomicLong::get)
                .description("calls waiting in the accounts this instance owns").register(registry);
    }

    private final java.util.Map<String, Long> oldestByTask = new java.util.concurrent.ConcurrentHashMap<>();

    {
        io.micrometer.core.instrument.Gauge.builder("tollgate.queue.oldest.wait", this, TollgateMetrics::oldestWaitSeconds)
                .description("how long the call waiting longest on this instance has waited").baseUnit("seconds").register(registry);
    }

    /** When the longest-waiting call of a task started waiting (null: none waits, or the task left). */
    public void oldestWaitingSince(String task, Long sinceMs) {
        if (sinceMs == null) {
            oldestByTask.remove(task);
        } else {
            oldestByTask.put(task, sinceMs);
        }
    }

    /** Seconds the call waiting longest on this instance has waited, 0 when none waits. */
    public double oldestWaitSeconds() {
        java.util.OptionalLong since = oldestByTask.values().stream().mapToLong(Long::longValue).min();
        return since.isEmpty() ? 0 : Math.max(0, System.currentTimeMillis() - since.getAsLong()) / 1000.0;
    }

    /** Calls waiting on this instance went up (or down) by {@code delta}. */
    public void waitingChanged(long delta) {
        waiting.addAndGet(delta);
    }

    /** Calls waiting in the accounts this instance owns. */
    public long waiting() {
        return waiting.get();
    }

    /** A call went after waiting this long (0 for one that went at once). */
    public void waited(long ms) {
        record(waits, ms);
    }

    /** The dispatcher started a call this long after its slot. */
    public void dispatchLag(long ms) {
        record(dispatchLag, ms);
    }

    /**
     * Times come from records (a result's times are input like any other): kept between 0 and a week, where a
     * duration in nanoseconds cannot overflow, instead of failing the record that carries them.
     */
    private static void record(Timer timer, long ms) {
        timer.record(Duration.ofMillis(Math.min(Math.max(0, ms), MAX_RECORDED_MS)));
    }

    static final long MAX_RECORDED_MS = Duration.ofDays(7).toMillis();

    /** An input record was taken in (whatever became of it): what health calls progress. */
    public void recordProcessed() {
        processed.increment();
    }

    /** Input records taken in since start. */
    public long processed() {
        return processed.sum();
    }

    public void dispatched() {
        inc("tollgate_dispatched_total");
    }

    /** A request arrived on a partition its account does not hash to, and was forwarded. */
    public void routed() {
        inc("tollgate_routed_total");
    }

    public void exempt() {
        inc("tollgate_exempt_total");
    }

    public void delayed(String bindingRule) {
        inc("tollgate_delayed_total", "rule", bindingRule);
    }

    public void rejected(RejectReason reason) {
        rejected(reason, null);
    }

    /** A call refused: why, and the rule that refused it (none for refusals before any rule, such as bad input). */
    public void rejected(RejectReason reason, String ruleId) {
        inc("tollgate_rejected_total", "reason", reason.name(), "rule", ruleId);
    }

    public void result(String outcome) {
        inc("tollgate_results_total", "outcome", outcome);
    }

    /** The vendor blocked a credential: the alert. */
    public void blocked() {
        inc("tollgate_blocked_total");
    }

    public void shadowViolation(String ruleId) {
        inc("tollgate_shadow_violations_total", "rule", ruleId);
    }

    public void policyRefused() {
        inc("tollgate_policy_refused_total");
    }

    /** A call reached the vendor later than its slot allowed for; its counters were moved to match. */
    public void lateArrival() {
        inc("tollgate_late_arrivals_total");
    }

    /**
     * A result reached the limiter more than a second after the vendor answered: the pipeline lags,
     * and windows whose calls wait for a result cannot be reused until it comes.
     */
    public void slowResult() {
        inc("tollgate_slow_results_total");
    }

    /**
     * Processing failed on a record or a call in a way no validation foresaw; it was set aside
     * (rejected INTERNAL_ERROR) and logged. Any non-zero rate deserves a look.
     */
    public void internalError() {
        inc("tollgate_internal_errors_total");
    }

    /** A result applied from {@link EarlyResults}, ahead of the task's own consumer (its record is skipped when it comes). */
    public void resultReadAhead() {
        inc("tollgate_results_read_ahead_total");
    }

    /** A result that belongs to no dispatch in flight: a duplicate, or one of an earlier dispatch of a call that went again. */
    public void unmatchedResult() {
        inc("tollgate_unmatched_results_total");
    }

    /** Charges given back for a call that never reached the vendor. */
    public void refunded(String outcome) {
        inc("tollgate_refunds_total", "outcome", outcome);
    }

    /** Counters deleted because they behaved as none (their subjects stopped calling). */
    public void statesSwept(long count) {
        counter("tollgate_states_swept_total").increment(count);
    }

    /** The vendor reported a limit below the policy's for a subject, and Tollgate adopted it. */
    public void vendorLimitAdopted(String ruleId) {
        inc("tollgate_vendor_limits_adopted_total", "rule", ruleId);
    }

    /**
     * Units the vendor counted against a rule that Tollgate did not send (its remaining count was below
     * Tollgate's): the users' UI actions and other tools sharing the allowance.
     */
    public void untrackedUnits(String ruleId, long units) {
        counter("tollgate_untracked_units_total", "rule", ruleId).increment(units);
    }

    /** The vendor refused a call with a daily quota spent: the call waits for the reset, without using an attempt. */
    public void vendorQuotaSpent(String ruleId) {
        inc("tollgate_vendor_quota_spent_total", "rule", ruleId);
    }

    public void requeued(String outcome) {
        inc("tollgate_requeued_total", "outcome", outcome);
    }

    /**
     * A counter's value: {@code labels} as Prometheus writes them ({@code reason="X"}), or empty for the sum
     * over all its labels.
     */
    public long count(String name, String labels) {
        var search = registry.find(meterName(name));
        if (!labels.isEmpty()) {
            for (String pair : labels.split(",")) {
                String[] kv = pair.split("=", 2);
                search = search.tag(kv[0].trim(), kv[1].trim().replaceAll("^\"|\"$", ""));
            }
        }
        return (long) search.counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A counter's value summed over all its labels. */
    public long total(String name) {
        return count(name, "");
    }

    private void inc(String name, String... tags) {
        counter(name, tags).increment();
    }

    private Counter counter(String name, String... tags) {
        if (tags.length == 0) {
            // Counted on every decision: looked up once, not per call.
            return untagged.computeIfAbsent(name, n -> registry.counter(meterName(n)));
        }
        for (int i = 1; i < tags.length; i += 2) {
            tags[i] = tags[i] == null ? "(none)" : tags[i];
        }
        return registry.counter(meterName(name), Tags.of(tags));
    }

    /** Micrometer's name of a Prometheus counter name: {@code tollgate_dispatched_total} is {@code tollgate.dispatched}. */
    private static String meterName(String prometheusName) {
        return METER_NAMES.computeIfAbsent(prometheusName, n -> (n.endsWith("_total") ? n.substring(0, n.length() - "_total".length()) : n)
                .replace('_', '.'));
    }

    /** Prometheus text exposition of every meter. */
    public String prometheus() {
        return registry.scrape();
    }
}
