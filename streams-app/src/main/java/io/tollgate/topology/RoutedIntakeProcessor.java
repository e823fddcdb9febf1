package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.intake.RejectCode;
import io.tollgate.schemas.serde.WireFormatException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads requests forwarded by another task's intake (already validated) and hands them to the limiter.
 * Their sequence numbers come from this topic's offsets, set apart from the requests topic's so that
 * two calls can never share a place in a queue.
 */
final class RoutedIntakeProcessor implements Processor<String, byte[], String, Object> {

    /** Routed requests sort after direct ones of the same lane and priority; within each source, FIFO. */
    static final long ROUTED_SEQ_BASE = 1L << 62;

    private final Deserializer<ApiRequest> requests;
    private final TollgateMetrics metrics;
    private ProcessorContext<String, Object> context;

    RoutedIntakeProcessor(Deserializer<ApiRequest> requests, TollgateMetrics metrics) {
        this.requests = requests;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        try {
            ApiRequest request = requests.deserialize(meta.topic(), record.value());
            context.forward(record.withValue(new LimiterInput.NewRequest(request, ROUTED_SEQ_BASE + meta.offset())), IntakeProcessor.LIMITER);
        } catch (WireFormatException e) {
            if (e.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                throw e;
            }
            InputRejection.send(context, metrics, record, RejectCode.UNDECODABLE.name(), e.getMessage(), null, record.key(), null);
        }
    }
}
