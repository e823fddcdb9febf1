package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.config.NodeNames;
import io.tollgate.intake.Decoded;
import io.tollgate.intake.RequestDecoder;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads requests forwarded by another task's intake and hands them to the limiter. They were validated
 * there, and are again here: the routed topic is a topic like any other, and anyone can write to it.
 * Their sequence numbers come from this topic's offsets, set apart from the requests topic's so that
 * two calls can never share a place in a queue.
 */
final class RoutedIntakeProcessor extends DecodingIntake<ApiRequest> {

    /** Routed requests sort after direct ones of the same lane and priority; within each source, FIFO. */
    static final long ROUTED_SEQ_BASE = 1L << 62;

    private final RequestDecoder decoder;

    RoutedIntakeProcessor(RequestDecoder decoder, TollgateMetrics metrics) {
        super(metrics);
        this.decoder = decoder;
    }

    @Override
    Decoded<ApiRequest> decode(RecordMetadata source, Record<String, byte[]> record) {
        return decoder.decodeRouted(source.topic(), record.key(), record.value());
    }

    @Override
    void accept(RecordMetadata source, Record<String, byte[]> record, ApiRequest request) {
        context.forward(record.withValue(new LimiterInput.NewRequest(request, ROUTED_SEQ_BASE + source.offset())), NodeNames.LIMITER);
    }
}
