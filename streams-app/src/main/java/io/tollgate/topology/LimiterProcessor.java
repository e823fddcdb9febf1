package io.tollgate.topology;

import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.config.NodeNames;
import io.tollgate.config.StoreNames;
import io.tollgate.config.TopologySettings;
import io.tollgate.intake.Decoded;
import io.tollgate.intake.ResultDecoder;
import io.tollgate.limiter.Limiter;
import io.tollgate.topology.store.LimiterStores;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the limiter: hands requests and results to the {@link CallScheduler}, and on a
 * wall-clock punctuation lets due waiting calls go and rejects expired ones. It does no maths.
 */
final class LimiterProcessor implements Processor<String, LimiterInput, String, SpecificRecord> {

    /**
     * Every second a slice of the counters is looked at (a full pass over a million takes under twenty minutes),
     * and a larger one of request ids and calls in flight: each decision adds one of each, so the slice must
     * outrun the fastest decision rate for the stores to stay bounded.
     */
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    private static final int SWEEP_SLICE = 1000;
    private static final int FORGET_SLICE = 20_000;
    /** Lanes read each second for the oldest-wait gauge: its cost stays bounded however many lanes wait. */
    private static final int OLDEST_WAIT_LANES = 10_000;
    private static final Duration FAILED_ACCOUNT_BACKOFF = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(LimiterProcessor.class);

    private final TopologySettings settings;
    private final PolicyCatalog catalog;
    private final TollgateMetrics metrics;
    private final EarlyResults earlyResults;
    private final ResultDecoder resultDecoder;
    private final EarlyResults.Applied appliedEarly = new EarlyResults.Applied();
    private EarlyResults.Claim earlyClaim;
    private ProcessorContext<String, SpecificRecord> context;
    private CallScheduler scheduler;
    private StateSweep sweep;
    private LimiterStores stores;
    private long seenEpoch;
    /** Whether the earlier release's stores were emptied into this one's (once per task, at its first work). */
    private boolean legacyMoved;

    LimiterProcessor(TopologySettings settings, PolicyCatalog catalog, TollgateMetrics metrics, EarlyResults earlyResults,
                     ResultDecoder resultDecoder) {
        this.settings = settings;
        this.catalog = catalog;
        this.metrics = metrics;
        this.earlyResults = earlyResults;
        this.resultDecoder = resultDecoder;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.stores = new LimiterStores(context, settings.retentionMs(), metrics::waitingChanged);
        KeyValueStore<String, byte[]> policies = context.getStateStore(StoreNames.POLICIES);
        KeyValueStore<String, byte[]> accounts = context.getStateStore(StoreNames.ACCOUNTS);
        AccountResolver resolver = new AccountResolver(catalog, policies::get, accounts::get, settings.defaultPolicy(),
                settings.topics().accounts());
        Limiter limiter = new Limiter(catalog.settings());
        this.scheduler = new CallScheduler(limiter, stores, resolver, new Forwarder(), metrics, settings.leadMs(), settings.punctuationMs(),
                settings.maxAttempts(), settings.maxStaleReturns());
        this.sweep = new StateSweep(limiter, stores, resolver, metrics);
        this.seenEpoch = catalog.epoch();
        // A task revived after a failure starts again from its last commit: what it applied ahead since is undone.
        appliedEarly.clear();
        earlyClaim = earlyResults.claim(context.taskId().partition());
        context.schedule(Duration.ofMillis(settings.punctuationMs()), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
            isolated("the counter sweep", () -> sweep.sweep(scheduler.plannedAt(now), SWEEP_SLICE));
            isolated("forgetting request ids and calls in flight", () -> stores.forgetExpired(now, FORGET_SLICE));
            isolated("reading the oldest wait", () -> metrics.oldestWaitingSince(context.taskId().toString(),
                    stores.oldestWaitingSince(OLDEST_WAIT_LANES)));
        });
    }

    /** The task leaves this instance (a rebalance, a stop): its waiting calls leave the instance's gauge. */
    @Override
    public void close() {
        if (earlyClaim != null) {
            earlyClaim.release();
        }
        if (stores != null) {
            metrics.waitingChanged(-stores.waitingCalls());
            metrics.oldestWaitingSince(context.taskId().toString(), null);
        }
    }

    @Override
    public void process(Record<String, LimiterInput> record) {
        long now = context.currentSystemTimeMs();
        afterwardsWritingCounters(() -> {
            if (record.value() instanceof LimiterInput.NewRequest request) {
                scheduler.submit(request.request(), request.seq(), now);
            } else if (record.value() instanceof LimiterInput.Result result) {
                if (appliedEarly.remove(result.result())) {
                    metrics.result(result.result().getOutcome().name());
                } else {
                    scheduler.onResult(result.result(), now, false);
                }
            }
        });
    }

    /**
     * Runs a record's or a punctuation's work, then writes the counters it changed. They are written after a
     * failure too: what was sent before it was charged, and a record set aside is not processed again.
     */
    private void afterwardsWritingCounters(Runnable work) {
        try {
            if (!legacyMoved) {
                stores.moveLegacyState(context);
                legacyMoved = true;
            }
            work.run();
        } catch (RuntimeException failure) {
            try {
                stores.writeCounters();
            } catch (RuntimeException writing) {
                failure.addSuppressed(writing);
            }
            throw failure;
        }
        stores.writeCounters();
    }

    private void punctuate(long now) {
        afterwardsWritingCounters(() -> {
            applyEarlyResults(now);
            releaseDue(now);
        });
    }

    /**
     * Applies the results read ahead of this task's consumer; their own records are skipped when they come.
     * One that cannot be read is left to its own record, which rejects it as any result. One whose work fails
     * fails as its own record would: a transient failure restarts the task from its last commit (and its
     * own record comes again), any other sets the call aside as rejected INTERNAL_ERROR.
     */
    private void applyEarlyResults(long now) {
        String topic = settings.topics().results();
        for (EarlyResults.Raw raw : earlyClaim.take()) {
            if (resultDecoder.decode(topic, raw.key(), raw.value()) instanceof Decoded.Ok<DispatchResult> ok) {
                DispatchResult result = ok.value();
                try {
                    if (scheduler.onResult(result, now, true)) {
                        appliedEarly.add(result);
                        metrics.resultReadAhead();
                    }
                } catch (RuntimeException e) {
                    if (RejectingExceptionHandler.isTransient(e)) {
                        throw e;
                    }
                    appliedEarly.add(result);
                    scheduler.setAsideResult(result, e, now);
                }
            }
        }
    }

    private void releaseDue(long now) {
        long epoch = catalog.epoch();
        if (epoch != seenEpoch) {
            // A policy or account changed: limits may have grown, so every waiting head is looked at again.
            seenEpoch = epoch;
            for (String account : stores.waitingAccounts()) {
                isolated(account, now, () -> scheduler.drain(account, now, true));
            }
        }
        for (String account : stores.dueAccounts(scheduler.lookaheadOf(scheduler.plannedAt(now)))) {
            isolated(account, now, () -> scheduler.drain(account, now, false));
        }
        scheduler.expireDeadlines(now);
        scheduler.forgetPassedFloors(now);
    }

    /** Housekeeping that fails is logged and counted; it must not take the punctuation, or the next one, down with it. */
    private void isolated(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed; it is tried again next time", what, e);
            metrics.internalError();
        }
    }

    /**
     * Runs one account's part of a punctuation. A failure there (a call that cannot be decided is already
     * set aside by the scheduler; this is what is left, such as a queue index that cannot be read) is
     * logged and counted, and the other accounts go on: a punctuation that threw would stop every account
     * of the task at the same place, every time.
     */
    private void isolated(String account, long now, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.error("Waiting calls of account {} could not be looked at; the other accounts go on, and this one is tried again in {}",
                    account, FAILED_ACCOUNT_BACKOFF, e);
            metrics.internalError();
            stores.postpone(account, now + settings.leadMs() + FAILED_ACCOUNT_BACKOFF.toMillis());
        }
    }

    /** Forwards each kind of output to its sink, stamped with the wall-clock time of the decision and the instance that made it. */
    private final class Forwarder implements Outbox {

        private final Headers headers = new RecordHeaders().add(TopologySettings.INSTANCE_HEADER,
                settings.instance().getBytes(java.nio.charset.StandardCharsets.UTF_8));

        @Override
        public void dispatch(String account, DispatchedCall call) {
            forward(account, call, NodeNames.DISPATCH_SINK);
        }

        @Override
        public void delay(String account, DelayedCall call) {
            forward(account, call, NodeNames.DELAY_SINK);
        }

        @Override
        public void reject(String account, RejectedCall call) {
            forward(account, call, NodeNames.REJECTED_SINK);
        }

        private void forward(String account, SpecificRecord value, String sink) {
            context.forward(new Record<>(account, value, context.currentSystemTimeMs(), headers), sink);
        }
    }
}
