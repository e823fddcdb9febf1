package io.tollgate.sandbox;

import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.config.TopicNames;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the limiter decided and heard, one line per record, for a look at a run after the fact beside the
 * vendor's log: each dispatched call (when it was decided, its slot), each delay notice (when the call was
 * queued, until when) and each result (when the vendor answered). With both, a call that reached the vendor
 * later than its window allowed can be traced to its cause: read late, woken late or answered late.
 */
final class DecisionLog {

    private DecisionLog() {
    }

    /** Writes every committed record of the dispatch, delay and results topics to {@code file}, in topic order. */
    static void write(Sandbox sandbox, Path file) throws IOException {
        TopicNames topics = sandbox.tollgate().config().topics();
        SchemaRegistryClient registry = new SchemaRegistryClient(sandbox.registryUrl());
        AvroDeserializer<DispatchedCall> dispatched = new AvroDeserializer<>(registry, DispatchedCall.class);
        AvroDeserializer<DelayedCall> delayed = new AvroDeserializer<>(registry, DelayedCall.class);
        AvroDeserializer<DispatchResult> results = new AvroDeserializer<>(registry, DispatchResult.class);
        List<String> lines = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.dispatch(), topics.delay(), topics.results())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.dispatch())) {
                        DispatchedCall d = dispatched.deserialize(r.topic(), r.value());
                        lines.add("dispatched id=" + d.getRequest().getRequestId() + " decided=" + ms(d.getDecidedAt())
                                + " slot=" + ms(d.getExecuteAt()) + " attempt=" + d.getAttempt());
                    } else if (r.topic().equals(topics.delay())) {
                        DelayedCall d = delayed.deserialize(r.topic(), r.value());
                        lines.add("delayed id=" + d.getRequest().getRequestId() + " at=" + ms(d.getDelayedAt())
                                + " notBefore=" + ms(d.getNotBefore()) + " rule=" + d.getBindingRule());
                    } else {
                        DispatchResult d = results.deserialize(r.topic(), r.value());
                        lines.add("result id=" + d.getRequestId() + " outcome=" + d.getOutcome() + " executed=" + ms(d.getExecutedAt())
                                + " latency=" + d.getLatencyMs() + " written=" + r.timestamp());
                    }
                }
            }
            if (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                lines.add("(cut short: not every record was read within 30 s)");
            }
        }
        Files.write(file, lines);
    }

    private static long ms(Instant at) {
        return at == null ? -1 : at.toEpochMilli();
    }
}
