package io.tollgate.topology;

import io.tollgate.intake.Decoded;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The decode-or-reject step every input topic shares: read the record as a {@code T}; what can be read
 * is passed on, anything else goes to {@code rejected} with its reason, and processing goes on. One bad
 * record never stops the app.
 */
abstract class DecodingIntake<T> implements Processor<String, byte[], String, Object> {

    protected final TollgateMetrics metrics;
    protected ProcessorContext<String, Object> context;

    DecodingIntake(TollgateMetrics metrics) {
        this.metrics = metrics;
    }

    /** The record's value read and checked, or why not. */
    abstract Decoded<T> decode(RecordMetadata source, Record<String, byte[]> record);

    /** What to do with a value that was read and checked. */
    abstract void accept(RecordMetadata source, Record<String, byte[]> record, T value);

    /** Called for a refused record before its rejection is sent; nothing by default. */
    void refused(RecordMetadata source, Decoded.Failed<T> failed) {
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public final void process(Record<String, byte[]> record) {
        metrics.recordProcessed();
        RecordMetadata source = context.recordMetadata().orElseThrow();
        Decoded<T> decoded = decode(source, record);
        if (decoded instanceof Decoded.Ok<T> ok) {
            accept(source, record, ok.value());
        } else {
            Decoded.Failed<T> failed = (Decoded.Failed<T>) decoded;
            refused(source, failed);
            InputRejection.send(context, metrics, record, failed);
        }
    }
}
