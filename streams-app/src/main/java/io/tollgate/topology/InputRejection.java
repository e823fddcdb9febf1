package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.SourceRef;
import io.tollgate.config.NodeNames;
import io.tollgate.intake.Decoded;
import io.tollgate.intake.IntakeFailure;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.RequestValidator;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Sends input that cannot be used to {@code rejected}: where it is, why, and what of it could be read. */
final class InputRejection {

    private InputRejection() {
    }

    /** The intake's failure, with the request when it may be copied. */
    static void send(ProcessorContext<String, Object> context, TollgateMetrics metrics, Record<String, byte[]> record, Decoded.Failed failed) {
        IntakeFailure f = failed.failure();
        send(context, metrics, record, f.code(), f.detail(), f.requestId(), f.account(), failed.request());
    }

    static void send(ProcessorContext<String, Object> context, TollgateMetrics metrics, Record<String, byte[]> record, RejectReason reason,
                     String detail, String requestId, String account, ApiRequest request) {
        send(context, NodeNames.REJECTED_SINK, metrics, record, reason, detail, requestId, account, request);
    }

    static void send(ProcessorContext<String, Object> context, String sink, TollgateMetrics metrics, Record<String, byte[]> record,
                     RejectReason reason, String detail, String requestId, String account, ApiRequest request) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        SourceRef source = new SourceRef(meta.topic(), meta.partition(), meta.offset(), record.value() == null ? 0 : record.value().length);
        long now = context.currentSystemTimeMs();
        String key = account != null ? account : RequestValidator.usableId(record.key());
        context.forward(new Record<>(key, Records.rejectedInput(reason, detail, requestId, account, request, source, now), now),
                sink);
        metrics.rejected(reason);
    }
}
