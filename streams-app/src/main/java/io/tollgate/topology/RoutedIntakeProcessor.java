package io.tollgate.topology;

import io.tollgate.intake.Decoded;
import io.tollgate.intake.RequestDecoder;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads requests forwarded by another task's intake and hands them to the limiter. They were validated
 * there, and are again here: the routed topic is a topic like any other, and anyone can write to it.
 * Their sequence numbers come from this topic's offsets, set apart from the requests topic's so that
 * two calls can never share a place in a queue.
 */
final class RoutedIntakeProcessor implements Processor<String, byte[], String, Object> {

    /** Routed requests sort after direct ones of the same lane and priority; within each source, FIFO. */
    static final long ROUTED_SEQ_BASE = 1L << 62;

    private final RequestDecoder decoder;
    private final TollgateMetrics metrics;
    private ProcessorContext<String, Object> context;

    RoutedIntakeProcessor(RequestDecoder decoder, TollgateMetrics metrics) {
        this.decoder = decoder;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        metrics.recordProcessed();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        Decoded decoded = decoder.decodeRouted(meta.topic(), record.key(), record.value());
        if (decoded instanceof Decoded.Ok ok) {
            context.forward(record.withValue(new LimiterInput.NewRequest(ok.request(), ROUTED_SEQ_BASE + meta.offset())),
                    IntakeProcessor.LIMITER);
        } else {
            InputRejection.send(context, metrics, record, (Decoded.Failed) decoded);
        }
    }
}
