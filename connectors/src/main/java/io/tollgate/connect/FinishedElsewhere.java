package io.tollgate.connect;

import io.tollgate.avro.DispatchResult;
import io.tollgate.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which calls the limiter still counted in flight have a result already, written by the task that had the
 * partition before this one: it finished them before it stopped, and the limiter had not read their results
 * when it sent the calls this task holds. Read from the account's partition of the results topic, from when
 * the oldest of them was sent; a call without a result there may still be under way, and keeps its permit
 * until its lease ends.
 */
final class FinishedElsewhere implements DispatchScheduler.ForeignCalls {

    private static final Logger LOG = LoggerFactory.getLogger(FinishedElsewhere.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> consumerSettings;
    private final String resultsTopic;
    private final AvroDeserializer<DispatchResult> reader;

    FinishedElsewhere(Map<String, Object> clientSettings, String resultsTopic, AvroDeserializer<DispatchResult> reader) {
        this.consumerSettings = connectionSettings(clientSettings);
        consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.resultsTopic = resultsTopic;
        this.reader = reader;
    }

    /** How to reach and authenticate to the cluster of {@code clientSettings}, nothing else: for a client of another kind. */
    static Map<String, Object> connectionSettings(Map<String, Object> clientSettings) {
        Map<String, Object> settings = new HashMap<>();
        clientSettings.forEach((key, value) -> {
            if (key.equals(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) || key.startsWith("security.") || key.startsWith("sasl.")
                    || key.startsWith("ssl.") || key.equals(ConsumerConfig.CLIENT_DNS_LOOKUP_CONFIG)) {
                settings.put(key, value);
            }
        });
        return settings;
    }

    /** Every dispatch of {@code account} with a result written since {@code sentSinceMs}: those asked about, and any other. */
    @Override
    public Set<String> finished(String account, Set<String> dispatches, long sentSinceMs) {
        Set<String> found = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(resultsTopic, TIMEOUT);
            // Results are keyed by account with Kafka's default partitioner, as the limiter's topics are.
            TopicPartition tp = new TopicPartition(resultsTopic,
                    Utils.toPositive(Utils.murmur2(account.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions.size());
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(tp, Math.max(0, sentSinceMs)), TIMEOUT).get(tp);
            if (start == null) {
                return found;
            }
            consumer.seek(tp, start.offset());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(tp, TIMEOUT) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    DispatchResult result = read(record);
                    if (result != null && account.equals(result.getAccount()) && result.getExecuteAt() != null) {
                        found.add(PermitGate.dispatchOf(result.getRequestId(), result.getExecuteAt().toEpochMilli()));
                    }
                }
            }
        } catch (RuntimeException e) {
            // Not knowing is safe: those calls keep their permits until their leases end.
            LOG.warn("Could not read {} for the calls a previous owner left of account {}: {}", resultsTopic, account, e.toString());
        }
        return found;
    }

    private DispatchResult read(ConsumerRecord<byte[], byte[]> record) {
        try {
            return reader.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
