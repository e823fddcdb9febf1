package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.SourceRef;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Sends input that cannot be used to {@code rejected}: where it is, why, and what of it could be read. */
final class InputRejection {

    private InputRejection() {
    }

    static void send(ProcessorContext<String, Object> context, TollgateMetrics metrics, Record<String, byte[]> record, String reason,
                     String detail, String requestId, String account, ApiRequest request) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        SourceRef source = new SourceRef(meta.topic(), meta.partition(), meta.offset(), record.value() == null ? 0 : record.value().length);
        long now = context.currentSystemTimeMs();
        String key = account != null ? account : record.key();
        context.forward(new Record<>(key, Records.rejectedInput(reason, detail, requestId, account, request, source, now), now),
                LimiterProcessor.REJECTED_SINK);
        metrics.rejected(reason);
    }
}
