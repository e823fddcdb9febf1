package io.tollgate.topology;

import io.tollgate.avro.DispatchResult;
import io.tollgate.intake.Excerpt;
import io.tollgate.intake.InvalidRequestException;
import io.tollgate.intake.RejectCode;
import io.tollgate.intake.RequestValidator;
import io.tollgate.intake.ResultValidator;
import io.tollgate.schemas.serde.WireFormatException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code results}. A result is input like a request: one that cannot be read, or whose fields are
 * out of range, goes to {@code rejected} instead of stopping the app or moving a counter.
 */
final class ResultIntakeProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ResultIntakeProcessor.class);

    private final Deserializer<DispatchResult> results;
    private final TollgateMetrics metrics;
    private ProcessorContext<String, Object> context;

    ResultIntakeProcessor(Deserializer<DispatchResult> results, TollgateMetrics metrics) {
        this.results = results;
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
        String problem;
        String requestId = null;
        try {
            DispatchResult result = record.value() == null ? null : results.deserialize(meta.topic(), record.value());
            if (result != null && result.getAccount().equals(record.key())) {
                requestId = RequestValidator.usableId(result.getRequestId());
                context.forward(record.withValue(new LimiterInput.Result(ResultValidator.accept(result))), IntakeProcessor.LIMITER);
                return;
            }
            problem = result == null ? "empty result record"
                    : "result keyed " + Excerpt.quote(record.key()) + " is for account " + Excerpt.quote(result.getAccount());
        } catch (WireFormatException e) {
            if (e.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                throw e;
            }
            problem = e.getMessage();
        } catch (InvalidRequestException e) {
            problem = e.getMessage();
        }
        LOG.warn("Unusable result at {}-{}@{}: {}", meta.topic(), meta.partition(), meta.offset(), problem);
        InputRejection.send(context, metrics, record, RejectCode.UNDECODABLE_RESULT.name(), problem, requestId,
                RequestValidator.usableId(record.key()), null);
    }
}
