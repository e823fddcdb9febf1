package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.config.NodeNames;
import io.tollgate.intake.Decoded;
import io.tollgate.intake.RequestDecoder;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads {@code requests}: valid requests go to the limiter with their position in the partition;
 * anything else goes to {@code rejected} with a reason, and processing goes on.
 */
final class IntakeProcessor extends DecodingIntake<ApiRequest> {

    private final RequestDecoder decoder;
    private final int partitions;

    IntakeProcessor(RequestDecoder decoder, TollgateMetrics metrics, int partitions) {
        super(metrics);
        this.decoder = decoder;
        this.partitions = partitions;
    }

    /** The partition of an account in every per-account topic: Kafka's default (murmur2) partitioner. */
    static int partitionOf(String account, int partitions) {
        return Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    Decoded<ApiRequest> decode(RecordMetadata source, Record<String, byte[]> record) {
        return decoder.decode(source.topic(), record.key(), record.value());
    }

    @Override
    void accept(RecordMetadata source, Record<String, byte[]> record, ApiRequest request) {
        if (source.partition() == partitionOf(request.getAccount(), partitions)) {
            context.forward(record.withValue(new LimiterInput.NewRequest(request, source.offset())), NodeNames.LIMITER);
        } else {
            // Another task owns this account's counters: hand the request over through the routed topic.
            context.forward(record.withValue(request), NodeNames.ROUTED_SINK);
            metrics.routed();
        }
    }
}
