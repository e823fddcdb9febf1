package io.tollgate.sandbox;

import io.tollgate.cli.SandboxEndpoints;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./tollgate watch <topic>}: prints a topic of the running sandbox as JSON, one record a line,
 * from the beginning, reading committed records only. Debian's kcat has no Avro support; this does.
 */
public final class Watch {

    private Watch() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ./tollgate watch <topic>   e.g. results, dispatch, delay, rejected (or a full topic name)");
            System.exit(2);
        }
        Map<String, String> endpoints = SandboxEndpoints.read().orElse(null);
        if (endpoints == null) {
            System.err.println("No running sandbox found (" + SandboxEndpoints.FILE + "): start it with ./tollgate");
            System.exit(2);
        }
        String topic = args[0].contains(".") ? args[0] : endpoints.get("topic.prefix") + args[0];
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.get("bootstrap.servers"));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "tollgate-watch-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroDeserializer<>(new SchemaRegistryClient(endpoints.get("schema.registry.url")), null))) {
            consumer.subscribe(List.of(topic));
            System.err.println("Watching " + topic + " (Ctrl-C to stop)");
            while (true) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> System.out.println(r.key() + "\t" + r.value()));
            }
        }
    }
}
