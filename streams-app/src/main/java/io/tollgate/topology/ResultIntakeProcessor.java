package io.tollgate.topology;

import io.tollgate.avro.DispatchResult;
import io.tollgate.intake.RejectCode;
import io.tollgate.schemas.serde.WireFormatException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads {@code results}; a record that cannot be read goes to {@code rejected} instead of stopping the app. */
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
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        String problem;
        try {
            DispatchResult result = record.value() == null ? null : results.deserialize(meta.topic(), record.value());
            if (result != null && result.getAccount().equals(record.key())) {
                context.forward(record.withValue(new LimiterInput.Result(result)), IntakeProcessor.LIMITER);
                return;
            }
            problem = result == null ? "empty result record"
                    : "result keyed '" + record.key() + "' is for account '" + result.getAccount() + "'";
        } catch (WireFormatException e) {
            if (e.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                throw e;
            }
            problem = e.getMessage();
        } catch (RuntimeException e) {
            problem = e.toString();
        }
        LOG.warn("Unreadable result at {}-{}@{}: {}", meta.topic(), meta.partition(), meta.offset(), problem);
        InputRejection.send(context, metrics, record, RejectCode.UNDECODABLE_RESULT.name(), problem, null, record.key(), null);
    }
}
