package io.tollgate.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Waits until the dispatcher owns every dispatch partition, as its handoff markers say: a task marks a partition
 * started before it starts any call of it. Until then calls the limiter plans have nobody to send them, and come
 * back stale; the sandbox's traffic (and a demo's first burst) should not begin before.
 */
final class DispatcherReadiness {

    private final String bootstrap;
    private final String topic;
    private final long from;

    private DispatcherReadiness(String bootstrap, String topic, long from) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.from = from;
    }

    /** Remembers where the markers end now, before the connector starts: markers of an earlier run do not count. */
    static DispatcherReadiness before(String bootstrap, String topic) {
        if (topic == null || topic.isBlank()) {
            return new DispatcherReadiness(bootstrap, null, 0); // no markers: nothing to wait for
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            TopicPartition markers = new TopicPartition(topic, 0);
            boolean exists = consumer.listTopics(Duration.ofSeconds(10)).containsKey(topic);
            long end = exists ? consumer.endOffsets(List.of(markers), Duration.ofSeconds(10)).get(markers) : 0;
            return new DispatcherReadiness(bootstrap, topic, end);
        }
    }

    /** Returns once every partition of {@code dispatchTopic} is marked started since {@link #before}; throws after {@code timeout}. */
    void await(String dispatchTopic, Duration timeout) throws InterruptedException {
        if (topic == null) {
            return;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            Set<String> waitingFor = new HashSet<>();
            consumer.partitionsFor(dispatchTopic, Duration.ofSeconds(10))
                    .forEach(p -> waitingFor.add(new TopicPartition(dispatchTopic, p.partition()).toString()));
            TopicPartition markers = new TopicPartition(topic, 0);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!waitingFor.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the dispatcher did not take " + waitingFor + " within " + timeout);
                }
                if (consumer.assignment().isEmpty()) {
                    if (!consumer.listTopics(Duration.ofSeconds(5)).containsKey(topic)) {
                        TimeUnit.MILLISECONDS.sleep(50); // the connector creates it as its task starts
                        continue;
                    }
                    consumer.assign(List.of(markers));
                    consumer.seek(markers, from);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.key() != null && record.value() != null
                            && new String(record.value(), StandardCharsets.UTF_8).startsWith("STARTED ")) {
                        waitingFor.remove(new String(record.key(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
