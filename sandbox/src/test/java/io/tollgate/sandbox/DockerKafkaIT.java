package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.app.TollgateApp;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.config.TollgateConfig;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Tollgate against the apache/kafka image, where a Docker engine runs; skipped elsewhere. What it
 * shows is also shown without Docker by LimiterIT on the embedded broker.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerKafkaIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1");

    @Test
    void shouldPaceCallsOnADockerizedBroker() throws Exception {
        Path dir = Files.createTempDirectory("tollgate-docker-it");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                policies:
                  - id: p
                    rules: [{id: burst, key: credential, slidingWindow: {limit: 20, window: 2s}}]
                accounts: [{id: acme, policy: p}]
                """);
        try (InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0);
             TollgateApp app = TollgateApp.start(TollgateConfig.defaultsWith(Map.of(
                     TollgateConfig.BOOTSTRAP_SERVERS, KAFKA.getBootstrapServers(),
                     TollgateConfig.SCHEMA_REGISTRY_URL, registry.url(),
                     TollgateConfig.POLICY_FILE, policy.toString(),
                     TollgateConfig.STATE_DIR, dir.resolve("state").toString(),
                     TollgateConfig.REST_PORT, "0")));
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of("bootstrap.servers", KAFKA.getBootstrapServers()),
                     new StringSerializer(), new AvroSerializer<>(new SchemaRegistryClient(registry.url()), true))) {
            app.awaitRunning(Duration.ofSeconds(60));
            for (int i = 0; i < 60; i++) {
                producer.send(new ProducerRecord<>("tollgate.requests", "acme", ApiRequest.newBuilder().setRequestId("d-" + i)
                        .setAccount("acme").setCredentialRef("token").setAuthKind(AuthKind.API_TOKEN).setIntegration("it")
                        .setMethod("GET").setPath("/x").setHeaders(new HashMap<>()).setSubmittedAt(Instant.now()).build()));
            }
            producer.flush();

            Properties props = new Properties();
            props.put("bootstrap.servers", KAFKA.getBootstrapServers());
            props.put("group.id", "docker-it");
            props.put("auto.offset.reset", "earliest");
            props.put("isolation.level", "read_committed");
            List<DispatchedCall> dispatched = new ArrayList<>();
            try (KafkaConsumer<String, DispatchedCall> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new AvroDeserializer<>(new SchemaRegistryClient(registry.url()), DispatchedCall.class))) {
                consumer.subscribe(List.of("tollgate.dispatch"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (dispatched.size() < 60 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> dispatched.add(r.value()));
                }
            }

            assertThat(dispatched).extracting(d -> d.getRequest().getRequestId()).doesNotHaveDuplicates().hasSize(60);
            List<Long> times = dispatched.stream().map(d -> d.getExecuteAt().toEpochMilli()).sorted().toList();
            for (int i = 20; i < times.size(); i++) {
                assertThat(times.get(i) - times.get(i - 20)).isGreaterThanOrEqualTo(2000);
            }
        }
    }
}
