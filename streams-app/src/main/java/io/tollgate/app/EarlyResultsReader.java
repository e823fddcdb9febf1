package io.tollgate.app;

import io.tollgate.topology.EarlyResults;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code results} from their end, on a thread and consumer of its own, and offers each to
 * {@link EarlyResults} for the task that owns its partition here. It has no group and commits nothing:
 * the tasks' own consumer stays the record of what was processed, and anything this reader misses (a
 * restart, a failure, a partition added later) comes through it as before.
 */
final class EarlyResultsReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyResultsReader.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration BACKOFF_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final EarlyResults sink;
    private final Thread thread;
    private volatile boolean running = true;

    private EarlyResultsReader(Map<String, Object> clientSettings, String topic, EarlyResults sink, String clientId) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only what the dispatchers wrote for good: results are not transactional, but nothing else must be read either.
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.sink = sink;
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading every partition of {@code topic} from its end.
     *
     * @param clientSettings bootstrap servers and security settings, as every client of the app has them
     */
    static EarlyResultsReader start(Map<String, Object> clientSettings, String topic, EarlyResults sink, String clientId) {
        EarlyResultsReader reader = new EarlyResultsReader(clientSettings, topic, sink, clientId);
        try {
            List<TopicPartition> partitions = reader.consumer.partitionsFor(topic, PARTITIONS_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions");
            }
            reader.consumer.assign(partitions);
            reader.consumer.seekToEnd(partitions);
        } catch (RuntimeException e) {
            reader.consumer.close(Duration.ZERO);
            throw e;
        }
        reader.thread.start();
        return reader;
    }

    private void run() {
        try {
            readUntilClosed();
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void readUntilClosed() {
        while (running) {
            try {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    // Kept only if a task here claims the partition.
                    sink.offer(record.partition(), new EarlyResults.Raw(record.key(), record.value()));
                }
            } catch (WakeupException e) {
                // close() wakes the consumer: the loop ends.
            } catch (RuntimeException e) {
                // Results still come through the tasks' own consumer; this one tries again shortly.
                LOG.warn("Reading results ahead failed; they come through the stream threads meanwhile. Trying again in {}",
                        BACKOFF_AFTER_FAILURE, e);
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(BACKOFF_AFTER_FAILURE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
