package io.tollgate.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Stamps every result as older than any request, because a task always takes its oldest buffered
 * record first: results release permits and correct windows, and behind a burst of thousands of
 * requests they would otherwise wait seconds. Nothing in the limiter depends on the order between a
 * request and a result, and outputs carry the wall-clock time of the decision, not this timestamp.
 */
final class ResultsFirst implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return 0;
    }
}
