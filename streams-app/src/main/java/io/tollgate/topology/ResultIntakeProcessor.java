package io.tollgate.topology;

import io.tollgate.avro.DispatchResult;
import io.tollgate.config.NodeNames;
import io.tollgate.intake.Decoded;
import io.tollgate.intake.ResultDecoder;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code results}. A result is input like a request: one that cannot be read, or whose fields are
 * out of range, goes to {@code rejected} instead of stopping the app or moving a counter.
 */
final class ResultIntakeProcessor extends DecodingIntake<DispatchResult> {

    private static final Logger LOG = LoggerFactory.getLogger(ResultIntakeProcessor.class);

    private final ResultDecoder decoder;

    ResultIntakeProcessor(ResultDecoder decoder, TollgateMetrics metrics) {
        super(metrics);
        this.decoder = decoder;
    }

    @Override
    Decoded<DispatchResult> decode(RecordMetadata source, Record<String, byte[]> record) {
        return decoder.decode(source.topic(), record.key(), record.value());
    }

    @Override
    void accept(RecordMetadata source, Record<String, byte[]> record, DispatchResult result) {
        context.forward(record.withValue(new LimiterInput.Result(result)), NodeNames.LIMITER);
    }

    /** A result that cannot be used is a dispatcher's bug or a hostile writer: worth a line in the log. */
    @Override
    void refused(RecordMetadata source, Decoded.Failed<DispatchResult> failed) {
        LOG.warn("Unusable result at {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), failed.failure().detail());
    }
}
