package io.tollgate.connect;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handoff markers of the dispatch partitions, on a one-partition topic of the results' cluster (the cluster
 * the limiter writes the dispatch topic to), kept for a week: a tenure longer than that leaves its successor
 * knowing nothing, which is safe.
 */
final class HandoffLog implements PartitionHandoff {

    private static final Logger LOG = LoggerFactory.getLogger(HandoffLog.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final long RETENTION_MS = TimeUnit.DAYS.toMillis(7);
    /** The longest handover trusted: rebalances and restarts take seconds. */
    static final Duration MAX_GAP = Duration.ofMinutes(10);

    private final String topic;
    private final TopicPartition markers;
    private final Map<String, Object> clientSettings;
    private final KafkaProducer<byte[], byte[]> producer;
    /** Reads the markers and the dispatch partitions' end offsets; used on the task's thread only. */
    private final KafkaConsumer<byte[], byte[]> reader;

    HandoffLog(Map<String, Object> clientSettings, String topic) {
        this.topic = topic;
        this.markers = new TopicPartition(topic, 0);
        this.clientSettings = FinishedElsewhere.connectionSettings(clientSettings);
        Map<String, Object> producerSettings = new HashMap<>(this.clientSettings);
        producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
        producerSettings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerSettings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        producerSettings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
        producerSettings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT.toMillis());
        this.producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> readerSettings = new HashMap<>(this.clientSettings);
        readerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        readerSettings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // A fetch the broker holds open holds back the next request on the connection (the end offsets): keep it short.
        readerSettings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        this.reader = new KafkaConsumer<>(readerSettings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        warmUp();
    }

    /**
     * Connections, producer id and fetch session made before the first partitions come: every call of a partition
     * waits for its start marker to be written and the markers before it read, and calls planned meanwhile go stale.
     * The record written has no key, so no partition's sequence of markers sees it.
     */
    private void warmUp() {
        ensureTopic();
        try {
            producer.send(new ProducerRecord<>(topic, 0, null, "TASK STARTING".getBytes(StandardCharsets.UTF_8)))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            reader.assign(List.of(markers));
            reader.seekToEnd(List.of(markers));
            reader.position(markers, TIMEOUT);
            reader.poll(Duration.ZERO);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("{} is not ready yet: {}", topic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Map<TopicPartition, PartitionHandoff.Tenure> begin(Collection<TopicPartition> partitions) {
        Map<TopicPartition, PartitionHandoff.Tenure> tenures = new HashMap<>();
        if (partitions.isEmpty()) {
            return tenures;
        }
        Map<TopicPartition, String> owners = new HashMap<>();
        Map<TopicPartition, Long> startedAt = new HashMap<>();
        Map<TopicPartition, Long> startedAtMs = new HashMap<>();
        try {
            Map<TopicPartition, Future<RecordMetadata>> writes = new HashMap<>();
            for (TopicPartition tp : partitions) {
                String owner = UUID.randomUUID().toString();
                owners.put(tp, owner);
                writes.put(tp, write(tp, new HandoffMarker.Started(owner)));
            }
            for (Map.Entry<TopicPartition, Future<RecordMetadata>> w : writes.entrySet()) {
                RecordMetadata written = w.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                startedAt.put(w.getKey(), written.offset());
                startedAtMs.put(w.getKey(), written.timestamp());
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new ConnectException("The start of this task's hold on " + partitions + " could not be written to " + topic
                    + "; no call of theirs is started without it (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while writing to " + topic, e);
        }
        Map<TopicPartition, Long> ends = endOffsets(partitions);
        Map<TopicPartition, List<HandoffMarker>> before = readBefore(startedAt, startedAtMs);
        for (TopicPartition tp : partitions) {
            List<HandoffMarker> left = before.get(tp);
            OptionalLong unseenAbove = left == null ? OptionalLong.empty() : HandoffMarker.unseenAbove(left);
            Long end = ends.get(tp);
            tenures.put(tp, new PartitionHandoff.Tenure(tp, owners.get(tp), unseenAbove,
                    end == null ? OptionalLong.empty() : OptionalLong.of(end)));
            LOG.info("Took {}: {}", tp, unseenAbove.isPresent()
                    ? "its previous owner stopped cleanly; no owner received an offset above " + unseenAbove.getAsLong()
                    : "what its previous owners received is not known; a call whose slot opened before now may be under way elsewhere");
        }
        return tenures;
    }

    @Override
    public void end(Map<PartitionHandoff.Tenure, Long> receivedUpTo) {
        Map<TopicPartition, Future<RecordMetadata>> writes = new HashMap<>();
        receivedUpTo.forEach((tenure, received) -> tenure.sawUpTo(received).ifPresent(sawUpTo -> {
            try {
                writes.put(tenure.partition(), write(tenure.partition(), new HandoffMarker.Stopped(tenure.owner(), sawUpTo)));
            } catch (RuntimeException e) {
                LOG.warn("The end of this task's hold on {} could not be written to {}: {}", tenure.partition(), topic, e.toString());
            }
        }));
        // One deadline for all: a rebalance waits for this.
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        writes.forEach((tp, write) -> {
            try {
                write.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("The end of this task's hold on {} could not be written to {}; its next owner treats late calls as perhaps "
                        + "under way here: {}", tp, topic, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void close() {
        producer.close(TIMEOUT);
        reader.close(TIMEOUT);
    }

    private Future<RecordMetadata> write(TopicPartition tp, HandoffMarker marker) {
        return producer.send(new ProducerRecord<>(topic, 0, key(tp), marker.encode().getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] key(TopicPartition tp) {
        return tp.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Each partition's markers before this task's start, oldest first; none for a partition when the topic could not be
     * read. A stop written over {@link #MAX_GAP} before this start is not trusted: owners that wrote no markers (the
     * topic unset meanwhile, an older version of the connector) may have held the partition in between.
     */
    private Map<TopicPartition, List<HandoffMarker>> readBefore(Map<TopicPartition, Long> startedAt, Map<TopicPartition, Long> startedAtMs) {
        Map<String, TopicPartition> byKey = new HashMap<>();
        startedAt.keySet().forEach(tp -> byKey.put(tp.toString(), tp));
        Map<TopicPartition, List<HandoffMarker>> before = new HashMap<>();
        Map<TopicPartition, Long> lastWrittenMs = new HashMap<>();
        startedAt.keySet().forEach(tp -> before.put(tp, new ArrayList<>()));
        long last = startedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        try {
            reader.assign(List.of(markers));
            reader.seekToBeginning(List.of(markers));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (reader.position(markers, TIMEOUT) <= last) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("{} could not be read up to this task's start within {}", topic, TIMEOUT);
                    return Map.of();
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = record.key() == null ? null : byKey.get(new String(record.key(), StandardCharsets.UTF_8));
                    if (tp != null && record.offset() < startedAt.get(tp)) {
                        before.get(tp).add(HandoffMarker.parse(record.value()));
                        lastWrittenMs.put(tp, record.timestamp());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("{} could not be read: {}", topic, e.toString());
            return Map.of();
        }
        lastWrittenMs.forEach((tp, writtenMs) -> {
            if (writtenMs < startedAtMs.get(tp) - MAX_GAP.toMillis()) {
                before.get(tp).add(new HandoffMarker.Unreadable());
            }
        });
        return before;
    }

    /** The dispatch partitions' end offsets now, once their earlier owners have let them go; none that could not be read. */
    private Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        try {
            return new HashMap<>(reader.endOffsets(partitions, TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("The end offsets of {} could not be read: {}", partitions, e.toString());
            return Map.of();
        }
    }

    private void ensureTopic() {
        try (Admin admin = Admin.create(clientSettings)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(RETENTION_MS),
                    // The broker's clock, not each worker's, dates the markers: the age of a stop is compared across workers.
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime")))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn("{} could not be created: {}", topic, e.getCause().toString());
            }
        } catch (TimeoutException | RuntimeException e) {
            LOG.warn("{} could not be created: {}", topic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
