package io.tollgate.topology;

import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.config.StoreNames;
import io.tollgate.limiter.Limiter;
import io.tollgate.topology.store.LimiterStores;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The Kafka side of the limiter: hands requests and results to the {@link CallScheduler}, and on a
 * wall-clock punctuation lets due waiting calls go and rejects expired ones. It does no maths.
 */
final class LimiterProcessor implements Processor<String, LimiterInput, String, SpecificRecord> {

    static final String DISPATCH_SINK = "dispatch-sink";
    static final String DELAY_SINK = "delay-sink";
    static final String REJECTED_SINK = "rejected-sink";

    private final TopologySettings settings;
    private final PolicyCatalog catalog;
    private final TollgateMetrics metrics;
    private ProcessorContext<String, SpecificRecord> context;
    private CallScheduler scheduler;
    private LimiterStores stores;
    private long seenEpoch;

    LimiterProcessor(TopologySettings settings, PolicyCatalog catalog, TollgateMetrics metrics) {
        this.settings = settings;
        this.catalog = catalog;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.stores = new LimiterStores(context, settings.retentionMs());
        KeyValueStore<String, byte[]> policies = context.getStateStore(StoreNames.POLICIES);
        KeyValueStore<String, byte[]> accounts = context.getStateStore(StoreNames.ACCOUNTS);
        AccountResolver resolver = new AccountResolver(catalog, policies::get, accounts::get, settings.defaultPolicy(),
                settings.topics().accounts());
        this.scheduler = new CallScheduler(new Limiter(catalog.settings()), stores, resolver, new Forwarder(), metrics,
                settings.leadMs(), settings.maxAttempts());
        this.seenEpoch = catalog.epoch();
        context.schedule(Duration.ofMillis(settings.punctuationMs()), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, LimiterInput> record) {
        long now = context.currentSystemTimeMs();
        if (record.value() instanceof LimiterInput.NewRequest request) {
            scheduler.submit(request.request(), request.seq(), now);
        } else if (record.value() instanceof LimiterInput.Result result) {
            scheduler.onResult(result.result(), now);
        }
    }

    private void punctuate(long now) {
        long epoch = catalog.epoch();
        if (epoch != seenEpoch) {
            // A policy or account changed: limits may have grown, so every waiting head is looked at again.
            seenEpoch = epoch;
            for (String account : stores.waitingAccounts()) {
                scheduler.drain(account, now, true);
            }
        }
        for (String account : stores.dueAccounts(now + settings.leadMs())) {
            scheduler.drain(account, now, false);
        }
        scheduler.expireDeadlines(now);
    }

    /** Forwards each kind of output to its sink, stamped with the wall-clock time of the decision. */
    private final class Forwarder implements Outbox {
        @Override
        public void dispatch(String account, DispatchedCall call) {
            context.forward(new Record<>(account, (SpecificRecord) call, context.currentSystemTimeMs()), DISPATCH_SINK);
        }

        @Override
        public void delay(String account, DelayedCall call) {
            context.forward(new Record<>(account, (SpecificRecord) call, context.currentSystemTimeMs()), DELAY_SINK);
        }

        @Override
        public void reject(String account, RejectedCall call) {
            context.forward(new Record<>(account, (SpecificRecord) call, context.currentSystemTimeMs()), REJECTED_SINK);
        }
    }
}
