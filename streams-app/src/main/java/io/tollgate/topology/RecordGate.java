package io.tollgate.topology;

import io.tollgate.config.StoreNames;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.Excerpt;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands between a topic anyone may write (policies, accounts) and the version in force. A valid record
 * goes on to the in-force topic that the global store reads; an invalid one goes to {@code rejected}
 * with the field it fails on, and the in-force topic keeps the previous version. Because the in-force
 * topic only ever receives valid records, compaction of the input topic cannot leave an instance with
 * only an invalid record to restore from: a policy in force never silently disappears.
 */
final class RecordGate implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(RecordGate.class);

    private final String what;
    private final RejectReason refusal;
    private final String inForceSink;
    private final String rejectedSink;
    private final Check validator;
    private final TollgateMetrics metrics;
    private ProcessorContext<String, Object> context;
    private Function<String, byte[]> policiesInForce;

    /** Checks a record; throws, with a message naming the field, when it must be refused. */
    @FunctionalInterface
    interface Check {
        /** @param policiesInForce the policy records in force by id (an account is checked against its policy) */
        void check(String key, byte[] value, Function<String, byte[]> policiesInForce);
    }

    /**
     * @param refusal the reason code of a refused record
     * @param validator throws, with a message naming the field, when the record must be refused */
    RecordGate(String what, RejectReason refusal, String inForceSink, String rejectedSink, Check validator,
               TollgateMetrics metrics) {
        this.what = what;
        this.refusal = refusal;
        this.inForceSink = inForceSink;
        this.rejectedSink = rejectedSink;
        this.validator = validator;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        KeyValueStore<String, byte[]> policies = context.getStateStore(StoreNames.POLICIES);
        this.policiesInForce = policies::get;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        metrics.recordProcessed();
        if (record.key() == null) {
            refuse(record, "a " + what + " record needs a key: the " + what + " id");
            return;
        }
        if (record.value() == null) {
            LOG.warn("{} {} deleted by a tombstone: calls that need it are rejected from now on", what, Excerpt.quote(record.key()));
            context.forward(record, inForceSink);
            return;
        }
        try {
            validator.check(record.key(), record.value(), policiesInForce);
        } catch (RuntimeException e) {
            if (RejectingExceptionHandler.isTransient(e)) {
                // The registry could not be asked: not the record's fault. The task retries it from its last commit.
                throw e;
            }
            refuse(record, e.getMessage());
            return;
        }
        context.forward(record, inForceSink);
    }

    private void refuse(Record<String, byte[]> record, String problem) {
        LOG.error("Refused {} {}: {}. The version in force stays.", what, Excerpt.quote(record.key()), problem);
        metrics.policyRefused();
        InputRejection.send(context, rejectedSink, metrics, record, refusal, what + " refused, the version in force stays: " + problem,
                null, null, null);
    }
}
