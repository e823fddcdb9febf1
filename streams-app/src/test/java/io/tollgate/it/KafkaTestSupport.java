package io.tollgate.it;

import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real producers and read_committed consumers for integration tests. */
public final class KafkaTestSupport {

    private KafkaTestSupport() {
    }

    public static KafkaProducer<String, SpecificRecord> avroProducer(String bootstrap, String registryUrl) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                new AvroSerializer<>(new SchemaRegistryClient(registryUrl), true));
    }

    public static KafkaProducer<String, byte[]> rawProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    public static <T> KafkaConsumer<String, T> committedConsumer(String bootstrap, String registryUrl, Class<T> type, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, T> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroDeserializer<>(new SchemaRegistryClient(registryUrl), type));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Polls until {@code done} holds for everything read so far, or fails after {@code timeout}. */
    public static <T> List<ConsumerRecord<String, T>> readUntil(KafkaConsumer<String, T> consumer,
                                                                Predicate<List<ConsumerRecord<String, T>>> done, Duration timeout) {
        List<ConsumerRecord<String, T>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " with " + records.size() + " records");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    /** Reads everything that arrives within {@code quiet} of the last record (to prove nothing more comes). */
    public static <T> List<ConsumerRecord<String, T>> drain(KafkaConsumer<String, T> consumer, Duration quiet) {
        List<ConsumerRecord<String, T>> records = new ArrayList<>();
        long until = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < until) {
            int before = records.size();
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            if (records.size() > before) {
                until = System.nanoTime() + quiet.toNanos();
            }
        }
        return records;
    }

    public static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String key, SpecificRecord value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }
}
