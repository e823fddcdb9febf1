package io.tollgate.connect;

import io.tollgate.avro.DispatchedCall;
import io.tollgate.schemas.serde.WireFormatException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A batch of dispatched records, every one decoded before any call of it is submitted. When a record cannot be
 * decoded for a reason that passes (the schema registry is away), Connect delivers the whole batch again: a call
 * submitted from it the first time would then be sent twice. When a record cannot be decoded at all and there is
 * no dead letter queue to take it, the task must stop, and no call of the batch may have gone either.
 */
final class DecodedBatch {

    /** A record and what it decoded to: a call, or the reason it could not be. */
    record Entry(SinkRecord record, DispatchedCall call, WireFormatException failure) {
    }

    private DecodedBatch() {
    }

    /**
     * @throws RetriableException the registry could not be asked about one of the records
     * @throws DataException a record cannot be decoded and {@code deadLetterQueue} is false
     */
    static List<Entry> decode(Collection<SinkRecord> records, Function<SinkRecord, DispatchedCall> decoder, boolean deadLetterQueue) {
        List<Entry> entries = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            try {
                entries.add(new Entry(record, decoder.apply(record), null));
            } catch (WireFormatException e) {
                if (e.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                    throw new RetriableException("schema registry unavailable: " + e.getMessage(), e);
                }
                if (!deadLetterQueue) {
                    throw new DataException("undecodable dispatched call at " + record.topic() + "-" + record.kafkaPartition() + "@"
                            + record.kafkaOffset() + " and no dead letter queue is configured (errors.tolerance=all, "
                            + "errors.deadletterqueue.topic.name): " + e.getMessage(), e);
                }
                entries.add(new Entry(record, null, e));
            }
        }
        return entries;
    }
}
