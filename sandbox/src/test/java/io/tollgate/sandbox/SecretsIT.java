package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.Outcome;
import io.tollgate.avro.RejectedCall;
import io.tollgate.config.TollgateConfig;
import io.tollgate.sandbox.vendor.SimulatedVendor.Token;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroSerializer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import io.tollgate.schemas.serde.AvroDeserializer;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Secrets, end to end. Calls go through the whole path with the sandbox's credentials, error paths
 * included: a vendor that quotes the token back, a credential no one knows, a vendor no one knows, a
 * client that puts a secret in its request. Then every place data goes is searched for every secret,
 * as bytes and URL-encoded: the broker's log directory (every topic, changelogs and internal topics
 * included), Tollgate's state directory, the log output, and the REST answers of Tollgate and Connect.
 */
class SecretsIT {

    /** Sent by a careless client: it may stay in the requests topic it was written to, and nowhere else. */
    private static final String CLIENT_SECRET = "client-pasted-secret-31f7";
    private static final Path LOG = Path.of("target", "sandbox-it.log");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldKeepEverySecretOutOfTopicsStoresLogsAndAnswers() throws Exception {
        try (Sandbox sandbox = Sandbox.start(Map.of(TollgateConfig.REST_PORT, "0", TollgateConfig.TOPIC_PARTITIONS, "2"), Map.of(), 5);
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     sandbox.bootstrapServers()), new StringSerializer(), new AvroSerializer<>(new SchemaRegistryClient(sandbox.registryUrl()), true));
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer())) {
            String prefix = sandbox.tollgate().config().topics().prefix();
            List<ApiRequest> calls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                calls.add(Traffic.pipedrive("main-" + i, "acme-main", AuthKind.API_TOKEN, "crm", "GET", "/api/v2/deals/" + i));
                calls.add(Traffic.pipedrive("sync-" + i, "acme-sync", AuthKind.API_TOKEN, "crm", "POST", "/api/v2/activities"));
                calls.add(Traffic.pipedrive("oauth-" + i, "acme-oauth", AuthKind.OAUTH, "app", "GET", "/api/v2/persons/" + i));
                calls.add(Traffic.forms("forms-" + i));
            }
            // The vendor quotes the request line, token included, in its error page.
            calls.add(Traffic.pipedrive("echo", "acme-main", AuthKind.API_TOKEN, "crm", "GET", "/api/v1/echo"));
            calls.add(Traffic.pipedrive("unknown-credential", "nobody", AuthKind.API_TOKEN, "crm", "GET", "/api/v2/deals/1"));
            ApiRequest nowhere = Traffic.pipedrive("unknown-vendor", "acme-main", AuthKind.API_TOKEN, "crm", "GET", "/api/v2/deals/1");
            nowhere.setVendor("nowhere");
            calls.add(nowhere);
            calls.forEach(c -> producer.send(new ProducerRecord<>(prefix + "requests", c.getAccount(), c)));
            producer.flush();
            raw.send(new ProducerRecord<>(prefix + "requests", "acme", json("leak-query", "/api/v2/deals?api_token=" + CLIENT_SECRET, "")));
            raw.send(new ProducerRecord<>(prefix + "requests", "acme", json("leak-header", "/api/v2/deals",
                    ",\"headers\":{\"Authorization\":\"Bearer " + CLIENT_SECRET + "\"}")));
            raw.send(new ProducerRecord<>(prefix + "requests", "acme", json("leak-and-wrong", "/api/v1/deals?api_token=" + CLIENT_SECRET,
                    ",\"cost\":0")));
            raw.flush();

            // A call can come back STALE first (too late for its slot on a JVM seconds old) and go again: read on
            // until every call's latest result is final.
            Map<String, DispatchResult> results = new LinkedHashMap<>();
            read(sandbox, DispatchResult.class, prefix + "results", out -> {
                out.forEach(r -> results.put(r.getRequestId(), r));
                return results.size() == calls.size() && results.values().stream().noneMatch(r -> r.getOutcome() == Outcome.STALE);
            });
            List<RejectedCall> rejected = read(sandbox, RejectedCall.class, prefix + "rejected", 3);
            // The paths were taken: calls went out with the secrets, and the error paths were met.
            assertThat(results.values().stream().filter(r -> r.getOutcome() == Outcome.SUCCESS).count()).isEqualTo(20);
            assertThat(results.get("echo").getStatus()).isEqualTo(400);
            assertThat(results.get("echo").getBodyExcerpt()).contains("api_token=[redacted]");
            assertThat(results.get("unknown-credential").getOutcome()).isEqualTo(Outcome.NOT_SENT);
            assertThat(results.get("unknown-vendor").getOutcome()).isEqualTo(Outcome.NOT_SENT);
            assertThat(rejected).extracting(RejectedCall::getReason).containsOnly("SECRET_IN_REQUEST");

            Map<String, String> answers = new LinkedHashMap<>();
            URI rest = sandbox.tollgate().restUrl();
            List<String> paths = new java.util.ArrayList<>(List.of("/health", "/ready", "/metrics", "/accounts", "/policies/pipedrive"));
            for (String account : List.of("acme", "forms-org")) {
                for (String query : List.of("/usage", "/usage/today?by=user", "/usage/today?by=entity", "/calls?limit=250", "/queue")) {
                    paths.add("/accounts/" + account + query);
                }
            }
            for (String path : paths) {
                answers.put("tollgate " + path, get(rest.resolve(path)));
            }
            URI connect = sandbox.connect().restUrl();
            for (String path : List.of("/connectors/" + Sandbox.CONNECTOR, "/connectors/" + Sandbox.CONNECTOR + "/config",
                    "/connectors/" + Sandbox.CONNECTOR + "/status", "/connectors/" + Sandbox.CONNECTOR + "/tasks")) {
                answers.put("connect " + path, get(connect.resolve(path)));
            }

            Map<String, Integer> hits = new LinkedHashMap<>();
            for (Token token : SandboxAccounts.TOKENS) {
                search(token.secret(), sandbox, answers, null, hits);
            }
            search(CLIENT_SECRET, sandbox, answers, prefix + "requests-", hits);
            System.out.println("SecretsIT: searched " + hits.keySet().size() + " places for " + (SandboxAccounts.TOKENS.size() + 1)
                    + " secrets (raw and URL-encoded); hits: " + hits.values().stream().mapToInt(Integer::intValue).sum());
            assertThat(hits).allSatisfy((place, count) -> assertThat(count).as(place).isZero());
            // The search does find a secret where one is: the client's own, in the topic it wrote it to.
            Map<String, Integer> control = new LinkedHashMap<>();
            search(CLIENT_SECRET, sandbox, Map.of(), null, control);
            assertThat(control.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey))
                    .isNotEmpty().allMatch(place -> place.startsWith(prefix + "requests-"));
        }
    }

    /** The first {@code count} records of a topic, read_committed, within 90 s. */
    private static <T> List<T> read(Sandbox sandbox, Class<T> type, String topic, int count) {
        return read(sandbox, type, topic, records -> records.size() >= count);
    }

    /** The records of a topic, read_committed, until {@code enough} says so of those read (asserted within 90 s). */
    private static <T> List<T> read(Sandbox sandbox, Class<T> type, String topic, java.util.function.Predicate<List<T>> enough) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "secrets-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroDeserializer<>(new SchemaRegistryClient(sandbox.registryUrl()), type))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            boolean done = enough.test(out);
            while (!done && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                done = enough.test(out);
            }
            assertThat(done).as("enough records of " + topic + " within 90 s (read " + out.size() + ")").isTrue();
        }
        return out;
    }

    private static byte[] json(String id, String path, String extra) {
        return ("{\"request_id\":\"" + id + "\",\"account\":\"acme\",\"credential_ref\":\"pipedrive/acme-main\",\"auth_kind\":\"API_TOKEN\","
                + "\"integration\":\"crm\",\"method\":\"GET\",\"path\":\"" + path + "\"" + extra + "}").getBytes(StandardCharsets.UTF_8);
    }

    private String get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * Counts where {@code secret} (raw or URL-encoded) occurs: each file under the broker's log directory and
     * Tollgate's state directory, the log output, each REST answer. Files of partition directories starting
     * with {@code allowedIn} are skipped (the topic the secret was written to by its owner).
     */
    private static void search(String secret, Sandbox sandbox, Map<String, String> answers, String allowedIn, Map<String, Integer> hits)
            throws IOException {
        List<byte[]> forms = List.of(secret.getBytes(StandardCharsets.UTF_8),
                URLEncoder.encode(secret, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        for (Path root : List.of(sandbox.brokerLogDir(), sandbox.stateDir())) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String partitionDir = file.getParent().getFileName().toString();
                    if (allowedIn != null && partitionDir.startsWith(allowedIn)) {
                        continue;
                    }
                    hits.merge(root.relativize(file).toString(), count(readQuietly(file), forms), Integer::sum);
                }
            }
        }
        hits.merge("log output", count(Files.readAllBytes(LOG), forms), Integer::sum);
        answers.forEach((place, body) -> hits.merge(place, count(body.getBytes(StandardCharsets.UTF_8), forms), Integer::sum));
    }

    private static byte[] readQuietly(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static int count(byte[] haystack, List<byte[]> needles) {
        int n = 0;
        for (byte[] needle : needles) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                n++;
            }
        }
        return n;
    }

}
