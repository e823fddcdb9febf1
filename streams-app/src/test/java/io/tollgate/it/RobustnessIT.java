package io.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.app.EmbeddedKafka;
import io.tollgate.app.TollgateApp;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.config.TollgateConfig;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Off the happy path on a real broker: poison records, a broker that restarts, a secured listener, a bounded shutdown. */
class RobustnessIT extends TollgateITBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String POLICY = """
            policies:
              - id: p
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 100, window: 2s}}
            accounts:
              - {id: acme, policy: p}
            """;

    static ApiRequest request(String id) {
        return ApiRequest.newBuilder().setRequestId(id).setAccount("acme").setCredentialRef("cred-1").setAuthKind(AuthKind.API_TOKEN)
                .setIntegration("crm").setMethod("GET").setPath("/v1/deals/1").setApiVersion("v1").setHeaders(new HashMap<>())
                .setSubmittedAt(Instant.now()).build();
    }

    @Test
    void shouldDecideEveryGoodRequestAfterPoisonRecordsAndSayItIsHealthy() throws Exception {
        try (TollgateApp app = startTollgate("poison", POLICY, Map.of());
             KafkaProducer<String, byte[]> raw = KafkaTestSupport.rawProducer(app.bootstrapServers());
             KafkaProducer<String, SpecificRecord> avro = KafkaTestSupport.avroProducer(app.bootstrapServers(), app.registryUrl());
             KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(app.bootstrapServers(), app.registryUrl(),
                     DispatchedCall.class, "poison.dispatch");
             KafkaConsumer<String, RejectedCall> rejected = KafkaTestSupport.committedConsumer(app.bootstrapServers(), app.registryUrl(),
                     RejectedCall.class, "poison.rejected")) {
            // The record of the issue, sent with kcat: it used to stop the limiter for every account.
            raw.send(new ProducerRecord<>("poison.requests", "acme", ("{\"request_id\":\"c1-1\",\"account\":\"acme\",\"credential_ref\":"
                    + "\"pipedrive/acme-main\",\"auth_kind\":\"API_TOKEN\",\"integration\":\"demo\",\"method\":\"GET\",\"path\":\"/api/v2/deals/1\","
                    + "\"api_version\":\"v2\",\"deadline\":\"+300000000-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8)));
            raw.send(new ProducerRecord<>("poison.requests", "acme", ("{\"request_id\":\"c1-2\",\"account\":\"acme\",\"credential_ref\":"
                    + "\"c\",\"auth_kind\":\"API_TOKEN\",\"integration\":\"demo\",\"method\":\"GET\",\"path\":\"/v1/x\","
                    + "\"submitted_at\":\"+300000000-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8)));
            byte[] valid = new AvroSerializer<SpecificRecord>(new SchemaRegistryClient(app.registryUrl()), true)
                    .serialize("poison.requests", request("template"));
            byte[] lying = java.util.Arrays.copyOf(valid, 10);
            System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, 0, lying, 5, 5);
            raw.send(new ProducerRecord<>("poison.requests", "acme", lying));
            raw.send(new ProducerRecord<>("poison.requests", "acme", new byte[] {(byte) 0xde, (byte) 0xad}));
            raw.flush();
            for (int i = 0; i < 20; i++) {
                avro.send(new ProducerRecord<>("poison.requests", "acme", request("good-" + i)));
            }
            avro.flush();

            List<ConsumerRecord<String, DispatchedCall>> dispatched = KafkaTestSupport.readUntil(dispatch, r -> r.size() >= 20,
                    Duration.ofSeconds(60));
            List<ConsumerRecord<String, RejectedCall>> refusals = KafkaTestSupport.readUntil(rejected, r -> r.size() >= 4,
                    Duration.ofSeconds(30));

            assertThat(dispatched).extracting(r -> r.value().getRequest().getRequestId()).hasSize(20).allMatch(id -> id.startsWith("good-"));
            assertThat(refusals).extracting(r -> r.value().getReason())
                    .containsExactly("INVALID_REQUEST", "INVALID_REQUEST", "UNDECODABLE", "UNDECODABLE");
            assertThat(get(app.restUrl().resolve("/health")).statusCode()).isEqualTo(200);
            assertThat(get(app.restUrl().resolve("/ready")).statusCode()).isEqualTo(200);
            assertThat(app.metrics().count("tollgate_internal_errors_total", "")).isZero();
        }
    }

    @Test
    void shouldRecoverByItselfWhenTheBrokerRestartsAndLoseNothing() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            Map<String, String> settings = new HashMap<>();
            settings.put(TollgateConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
            settings.put("producer.delivery.timeout.ms", "120000");
            try (TollgateApp app = startTollgate("restart", POLICY, settings);
                 KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                         broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                         ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000),
                         new StringSerializer(), new AvroSerializer<>(new SchemaRegistryClient(app.registryUrl()), true))) {
                Set<String> sent = new HashSet<>();
                for (int i = 0; i < 60; i++) {
                    producer.send(new ProducerRecord<>("restart.requests", "acme", request("before-" + i)));
                    sent.add("before-" + i);
                }
                producer.flush();
                long stoppedAt = System.nanoTime();
                broker.stopBroker();
                // Sent while the broker is away, from a thread of their own: a send blocks until metadata is back.
                Thread during = new Thread(() -> {
                    for (int i = 0; i < 60; i++) {
                        producer.send(new ProducerRecord<>("restart.requests", "acme", request("during-" + i)));
                    }
                }, "sends-during-the-outage");
                for (int i = 0; i < 60; i++) {
                    sent.add("during-" + i);
                }
                during.start();
                awaitDisconnected(app, Duration.ofSeconds(60));
                broker.startBroker();
                during.join(TimeUnit.SECONDS.toMillis(120));
                for (int i = 0; i < 60; i++) {
                    producer.send(new ProducerRecord<>("restart.requests", "acme", request("after-" + i)));
                    sent.add("after-" + i);
                }
                producer.flush();

                try (KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(broker.bootstrapServers(),
                        app.registryUrl(), DispatchedCall.class, "restart.dispatch")) {
                    List<ConsumerRecord<String, DispatchedCall>> records = KafkaTestSupport.readUntil(dispatch,
                            r -> r.stream().map(x -> x.value().getRequest().getRequestId()).collect(Collectors.toSet()).containsAll(sent),
                            Duration.ofSeconds(120));
                    records.addAll(KafkaTestSupport.drain(dispatch, Duration.ofSeconds(2)));
                    Map<String, Long> times = records.stream().collect(Collectors.groupingBy(r -> r.value().getRequest().getRequestId(),
                            Collectors.counting()));
                    assertThat(times.keySet()).containsExactlyInAnyOrderElementsOf(sent);
                    assertThat(times.values()).containsOnly(1L);
                    System.out.printf("RobustnessIT: broker restarted; %d requests, each dispatched once; all decided %d ms after the stop%n",
                            sent.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt));
                }
                awaitStatus(app.restUrl().resolve("/health"), 200, Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void shouldReachEveryKafkaClientWithTheSecuritySettingsGivenOnce() throws Exception {
        String password = "tg-password-7c41";
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"tollgate\" password=\"" + password + "\";";
        try (EmbeddedKafka secured = EmbeddedKafka.start(Map.of(), Map.of("tollgate", password))) {
            Map<String, String> settings = new HashMap<>();
            settings.put(TollgateConfig.BOOTSTRAP_SERVERS, secured.saslBootstrapServers());
            settings.put("security.protocol", "SASL_PLAINTEXT");
            settings.put("sasl.mechanism", "PLAIN");
            settings.put("sasl.jaas.config", jaas);
            Map<String, Object> client = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, secured.saslBootstrapServers(),
                    "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas));
            try (TollgateApp app = startTollgate("secured", POLICY, settings);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
                AvroSerializer<SpecificRecord> avro = new AvroSerializer<>(new SchemaRegistryClient(app.registryUrl()), true);
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("secured.requests", "acme", avro.serialize("secured.requests", request("s-" + i))));
                }
                producer.flush();
                Map<String, Object> consumer = new HashMap<>(client);
                consumer.remove(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
                try (KafkaConsumer<String, DispatchedCall> dispatch = securedConsumer(secured.saslBootstrapServers(), consumer, app.registryUrl())) {
                    assertThat(KafkaTestSupport.readUntil(dispatch, r -> r.size() >= 5, Duration.ofSeconds(60))).hasSize(5);
                }
                assertThat(app.config().describe().get("sasl.jaas.config")).startsWith("[hidden]");
                assertThat(get(app.restUrl().resolve("/metrics")).body()).doesNotContain(password);
            }
        }
    }

    @Test
    void shouldSayItIsDownWhileItCannotDecodeAndGoOnOnceItCan() throws Exception {
        InProcessSchemaRegistry own = InProcessSchemaRegistry.start(0);
        int port = java.net.URI.create(own.url()).getPort();
        Map<String, String> settings = Map.of(TollgateConfig.SCHEMA_REGISTRY_URL, own.url());
        try (TollgateApp app = startTollgate("registry", POLICY, settings);
             KafkaProducer<String, byte[]> raw = KafkaTestSupport.rawProducer(app.bootstrapServers())) {
            own.close();
            // Avro under a schema id this instance has never looked up: it must ask the registry, which is gone.
            raw.send(new ProducerRecord<>("registry.requests", "acme", new byte[] {0, 0, 0, 0x27, 0x0f, 2, 4, 6}));
            raw.flush();

            awaitStatus(app.restUrl().resolve("/health"), 503, Duration.ofSeconds(90));
            assertThat(get(app.restUrl().resolve("/health")).body()).contains("stream thread failures");
            assertThat(get(app.restUrl().resolve("/ready")).statusCode()).isEqualTo(503);

            // The registry comes back (empty): the record is not lost, and now has an answer.
            try (InProcessSchemaRegistry back = InProcessSchemaRegistry.start(port);
                 KafkaConsumer<String, RejectedCall> rejected = KafkaTestSupport.committedConsumer(app.bootstrapServers(), back.url(),
                         RejectedCall.class, "registry.rejected")) {
                assertThat(KafkaTestSupport.readUntil(rejected, r -> !r.isEmpty(), Duration.ofSeconds(60)))
                        .extracting(r -> r.value().getReason()).containsExactly("UNKNOWN_SCHEMA");
            }
        }
    }

    @Test
    void shouldStopWithinTheShutdownTimeout() throws Exception {
        Path policy = Files.writeString(work.resolve("shutdown.yaml"), POLICY);
        Map<String, String> settings = new HashMap<>(Map.of(TollgateConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                TollgateConfig.SCHEMA_REGISTRY_URL, registry.url(), TollgateConfig.TOPIC_PREFIX, "shutdown.",
                TollgateConfig.APPLICATION_ID, "tollgate-shutdown", TollgateConfig.POLICY_FILE, policy.toString(),
                TollgateConfig.REST_PORT, "0", TollgateConfig.STATE_DIR, work.resolve("shutdown-state").toString(),
                TollgateConfig.SHUTDOWN_TIMEOUT_MS, "10000"));
        try (ForkedTollgate forked = ForkedTollgate.start(settings, work.resolve("shutdown.log"))) {
            long start = System.nanoTime();
            assertThat(forked.terminate(Duration.ofSeconds(20))).as("exited after SIGTERM").isTrue();
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("RobustnessIT: SIGTERM to exit in %d ms (shutdown.timeout.ms=10000)%n", tookMs);
            assertThat(tookMs).isLessThan(10_000 + 2_000);
            assertThat(Files.readString(work.resolve("shutdown.log"))).contains("Tollgate: stopped");
        }
    }

    private static KafkaConsumer<String, DispatchedCall> securedConsumer(String bootstrap, Map<String, Object> security, String registry) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(security);
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "it-" + java.util.UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        KafkaConsumer<String, DispatchedCall> consumer = new KafkaConsumer<>(p, new org.apache.kafka.common.serialization.StringDeserializer(),
                new io.tollgate.schemas.serde.AvroDeserializer<>(new SchemaRegistryClient(registry), DispatchedCall.class));
        consumer.subscribe(List.of("secured.dispatch"));
        return consumer;
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void awaitStatus(URI uri, int status, Duration timeout) throws Exception {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> get(uri).statusCode() == status);
        JsonNode body = JSON.readTree(get(uri).body());
        assertThat(body.path("status").asText()).isEqualTo(status == 200 ? "UP" : "DOWN");
    }

    /** Until the app's main consumer has lost every connection to the broker: the outage has reached it. */
    private static void awaitDisconnected(TollgateApp app, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Double> connections = app.streams().metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("connection-count") && e.getKey().group().equals("consumer-metrics")
                            && e.getKey().tags().getOrDefault("client-id", "").contains("StreamThread-"))
                    .map(e -> ((Number) e.getValue().metricValue()).doubleValue()).toList();
            return !connections.isEmpty() && connections.stream().allMatch(c -> c == 0);
        });
    }
}
