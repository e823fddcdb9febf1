package io.tollgate.topology;

import io.tollgate.intake.Decoded;
import io.tollgate.intake.RequestDecoder;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads {@code requests}: valid requests go to the limiter with their position in the partition;
 * anything else goes to {@code rejected} with a reason, and processing goes on.
 */
final class IntakeProcessor implements Processor<String, byte[], String, Object> {

    static final String LIMITER = "limiter";
    static final String ROUTED_SINK = "routed-sink";

    private final RequestDecoder decoder;
    private final TollgateMetrics metrics;
    private final int partitions;
    private ProcessorContext<String, Object> context;

    IntakeProcessor(RequestDecoder decoder, TollgateMetrics metrics, int partitions) {
        this.decoder = decoder;
        this.metrics = metrics;
        this.partitions = partitions;
    }

    /** The partition of an account in every per-account topic: Kafka's default (murmur2) partitioner. */
    static int partitionOf(String account, int partitions) {
        return Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        metrics.recordProcessed();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        Decoded decoded = decoder.decode(meta.topic(), record.key(), record.value());
        if (decoded instanceof Decoded.Ok ok) {
            if (meta.partition() == partitionOf(ok.request().getAccount(), partitions)) {
                context.forward(record.withValue(new LimiterInput.NewRequest(ok.request(), meta.offset())), LIMITER);
            } else {
                // Another task owns this account's counters: hand the request over through the routed topic.
                context.forward(record.withValue(ok.request()), ROUTED_SINK);
                metrics.routed();
            }
            return;
        }
        InputRejection.send(context, metrics, record, (Decoded.Failed) decoded);
    }
}
