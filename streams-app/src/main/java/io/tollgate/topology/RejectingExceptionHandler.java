package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.avro.SourceRef;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.RequestValidator;
import io.tollgate.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of defence: whatever still fails while a record is processed or an output is written
 * (a bug, a value no validation foresaw) is set aside as a {@code rejected} record with reason
 * {@code INTERNAL_ERROR} and the exception's class, and processing goes on. Without it, Kafka Streams
 * would fail the thread, a new thread would read the same record, and fail again: one record would
 * stop every account of the partition. The rejection is written in the task's transaction, like any
 * output. Its detail names the class only: an exception's message may quote the data.
 */
public final class RejectingExceptionHandler implements ProcessingExceptionHandler, ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RejectingExceptionHandler.class);

    static final String REJECTED_TOPIC = "tollgate.handler.rejected.topic";
    static final String SERIALIZER = "tollgate.handler.serializer";
    static final String METRICS = "tollgate.handler.metrics";

    private String rejectedTopic;
    private Serializer<SpecificRecord> serializer;
    private TollgateMetrics metrics;

    /** Installs the handler in Kafka Streams properties, with what it needs to write rejections. */
    public static void install(Properties props, String rejectedTopic, Serializer<SpecificRecord> values, TollgateMetrics metrics) {
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class.getName());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class.getName());
        props.put(REJECTED_TOPIC, rejectedTopic);
        props.put(SERIALIZER, values);
        props.put(METRICS, metrics);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        rejectedTopic = (String) configs.get(REJECTED_TOPIC);
        serializer = (Serializer<SpecificRecord>) configs.get(SERIALIZER);
        metrics = (TollgateMetrics) configs.get(METRICS);
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isTransient(exception)) {
            // Not the record's fault (the registry is down, say): the thread restarts from the last commit and reads it again.
            return ProcessingExceptionHandler.Response.fail();
        }
        Ids ids = record == null ? Ids.NONE : Ids.of(record.key(), record.value());
        LOG.error("Processing failed in {} at {}; the record is set aside as rejected INTERNAL_ERROR", context.processorNodeId(),
                where(context), exception);
        return ProcessingExceptionHandler.Response.resume(rejection(context, ids, exception.getClass().getName()
                + " in " + context.processorNodeId() + "; the record was set aside so that the records after it go on"));
    }

    @Override
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
                                                                        Exception exception, SerializationExceptionOrigin origin) {
        if (isTransient(exception)) {
            return ProductionExceptionHandler.Response.fail();
        }
        Ids ids = Ids.of(record.key(), record.value());
        LOG.error("An output to {} could not be serialized (from {}); it is set aside as rejected INTERNAL_ERROR", record.topic(),
                where(context), exception);
        if (rejectedTopic.equals(record.topic()) && ids.requestId == null && ids.account == null) {
            // Nothing left to say that could be written.
            metrics.internalError();
            return ProductionExceptionHandler.Response.resume();
        }
        return ProductionExceptionHandler.Response.resume(rejection(context, ids, exception.getClass().getName()
                + " writing " + (record.value() == null ? "a record" : record.value().getClass().getSimpleName()) + " to " + record.topic()));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                           Exception exception) {
        if (exception instanceof RetriableException) {
            return ProductionExceptionHandler.Response.retry();
        }
        if (exception instanceof RecordTooLargeException) {
            LOG.error("An output to {} is too large for the broker (from {}); it is set aside as rejected INTERNAL_ERROR",
                    record.topic(), where(context), exception);
            String account = record.key() == null ? null : RequestValidator.usableId(new String(record.key(), StandardCharsets.UTF_8));
            return ProductionExceptionHandler.Response.resume(rejection(context, new Ids(null, account),
                    exception.getClass().getName() + " writing to " + record.topic()));
        }
        return ProductionExceptionHandler.Response.fail();
    }

    private List<ProducerRecord<byte[], byte[]>> rejection(ErrorHandlerContext context, Ids ids, String detail) {
        metrics.internalError();
        metrics.rejected(RejectReason.INTERNAL_ERROR);
        RejectedCall rejected = RejectedCall.newBuilder()
                .setReason(RejectReason.INTERNAL_ERROR.name())
                .setDetail(detail)
                .setRequestId(ids.requestId)
                .setAccount(ids.account)
                .setRejectedAt(Instant.now())
                .setSource(context.topic() == null ? null : new SourceRef(context.topic(), context.partition(), context.offset(),
                        context.sourceRawValue() == null ? 0 : context.sourceRawValue().length))
                .build();
        try {
            byte[] key = ids.account == null ? null : ids.account.getBytes(StandardCharsets.UTF_8);
            return List.of(new ProducerRecord<>(rejectedTopic, key, serializer.serialize(rejectedTopic, rejected)));
        } catch (RuntimeException e) {
            if (isTransient(e)) {
                throw e;
            }
            LOG.error("The INTERNAL_ERROR rejection could not be written either", e);
            return List.of();
        }
    }

    /** A failure of the surroundings, not of the record: the registry cannot be reached, a broker is away. */
    static boolean isTransient(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException
                    || t instanceof WireFormatException w && w.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                return true;
            }
        }
        return false;
    }

    private static String where(ErrorHandlerContext context) {
        return context.topic() == null ? "a punctuation of task " + context.taskId()
                : context.topic() + "-" + context.partition() + "@" + context.offset();
    }

    /** What a failed record says about which request and account it was, when anything. */
    private record Ids(String requestId, String account) {

        static final Ids NONE = new Ids(null, null);

        static Ids of(Object key, Object value) {
            String account = key instanceof String s ? RequestValidator.usableId(s) : null;
            ApiRequest request = value instanceof LimiterInput.NewRequest n ? n.request()
                    : value instanceof DispatchedCall d ? d.getRequest()
                    : value instanceof DelayedCall d ? d.getRequest()
                    : value instanceof ApiRequest a ? a : null;
            if (request != null) {
                return new Ids(RequestValidator.usableId(request.getRequestId()), account);
            }
            DispatchResult result = value instanceof LimiterInput.Result r ? r.result() : null;
            if (result != null) {
                return new Ids(RequestValidator.usableId(result.getRequestId()), account);
            }
            if (value instanceof RejectedCall r) {
                return new Ids(RequestValidator.usableId(r.getRequestId()), account);
            }
            return new Ids(null, account);
        }
    }
}
