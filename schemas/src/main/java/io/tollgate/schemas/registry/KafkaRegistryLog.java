package io.tollgate.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The registry's data in a compacted Kafka topic, as the Confluent Schema Registry keeps it: one record per
 * subject version ({@code {"keytype":"SCHEMA","subject":...,"version":n,"magic":1}}) and per compatibility
 * level ({@code "keytype":"CONFIG"}), with Confluent's value fields. Read from the start when the registry
 * starts, so that subjects, versions and schema ids survive a restart; each change is written, and
 * acknowledged by the broker, before the registry answers.
 */
final class KafkaRegistryLog implements RegistryLog, AutoCloseable {

    static final String TOPIC = "_schemas";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafka;
    private final KafkaProducer<byte[], byte[]> producer;

    private KafkaRegistryLog(Map<String, Object> kafka, KafkaProducer<byte[], byte[]> producer) {
        this.kafka = kafka;
        this.producer = producer;
    }

    /** The log in {@code kafka}'s {@code _schemas} topic, created if it is missing. */
    static KafkaRegistryLog open(Map<String, Object> kafka) {
        createTopic(kafka);
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A write given up for lost must not land later: the producer stops trying before the registry stops waiting.
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return new KafkaRegistryLog(kafka, new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Override
    public void schema(String subject, int version, int id, String schema, boolean deleted) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id).put("schema", schema)
                .put("deleted", deleted);
        write(key, value);
    }

    @Override
    public void level(String subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
        write(key, level == null ? null : JSON.createObjectNode().put("compatibilityLevel", level.name()));
    }

    /** {@code value} null writes a tombstone. */
    private void write(ObjectNode key, ObjectNode value) {
        try {
            producer.send(new ProducerRecord<>(TOPIC, bytes(key), value == null ? null : bytes(value)))
                    .get(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + TOPIC, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write to " + TOPIC + ": " + e, e);
        }
    }

    private static void createTopic(Map<String, Object> kafka) {
        try (Admin admin = Admin.create(kafka)) {
            // The cluster's default replication, as for any topic it keeps for good.
            admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(1), Optional.empty()).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the registry's topic " + TOPIC + ": " + e.getCause(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + TOPIC, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create the registry's topic " + TOPIC + " within " + TIMEOUT, e);
        }
    }

    /** Reads the topic from its start to its present end into {@code store}. */
    void replayInto(RegistryStore store) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put("enable.auto.commit", false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read the registry's topic " + TOPIC + " to its end within " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record, store);
                }
            }
        }
    }

    private static void apply(ConsumerRecord<byte[], byte[]> record, RegistryStore store) {
        try {
            JsonNode key = JSON.readTree(record.key());
            JsonNode value = record.value() == null ? null : JSON.readTree(record.value());
            if (value == null || value.isNull()) {
                if ("CONFIG".equals(key.path("keytype").asText()) && key.path("subject").isTextual()) {
                    store.restoreLevel(key.path("subject").asText(), null);
                }
                return; // a schema's tombstone: compaction removes the key; the record of its deletion came before it
            }
            switch (key.path("keytype").asText()) {
                case "SCHEMA" -> store.restore(value.path("subject").asText(), value.path("version").asInt(), value.path("id").asInt(),
                        value.path("schema").asText(), value.path("deleted").asBoolean(false));
                case "CONFIG" -> store.restoreLevel(key.path("subject").isTextual() ? key.path("subject").asText() : null,
                        CompatibilityLevel.valueOf(value.path("compatibilityLevel").asText()));
                default -> {
                    // Confluent's other key types (NOOP, MODE, DELETE_SUBJECT, ...) carry nothing this registry keeps.
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the registry's topic " + TOPIC + " holds a record it cannot read at offset "
                    + record.offset() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
