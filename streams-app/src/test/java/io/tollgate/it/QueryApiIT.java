package io.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.app.TollgateApp;
import io.tollgate.cli.UsageTable;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.config.TollgateConfig;
import io.tollgate.config.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two instances of Tollgate on one broker, each owning some accounts: every endpoint, asked of either
 * instance, answers for every account, from the instance that owns it, with the same numbers.
 */
class QueryApiIT extends TollgateITBase {

    private static final String TOKEN = "query-it-token-7f3a";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> ACCOUNTS = IntStream.range(0, 6).mapToObj(i -> "acct-" + i).toList();
    private static final String POLICY = DispatcherStandIn.policy(ACCOUNTS);

    @Test
    void shouldAnswerEveryEndpointForEveryAccountFromEitherInstance() throws Exception {
        Map<String, String> common = Map.of(TollgateConfig.REST_AUTH_TOKEN, TOKEN, TollgateConfig.RESULT_WAIT_MS, "10000");
        try (TollgateApp first = startTollgate("query", POLICY, with(common, TollgateConfig.STATE_DIR, work.resolve("state-q1").toString()));
             TollgateApp second = startTollgate("query", POLICY, with(common, TollgateConfig.STATE_DIR, work.resolve("state-q2").toString()));
             KafkaProducer<String, SpecificRecord> producer = KafkaTestSupport.avroProducer(first.bootstrapServers(), first.registryUrl());
             KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(first.bootstrapServers(),
                     first.registryUrl(), DispatchedCall.class, "query.dispatch")) {
            List<TollgateApp> instances = List.of(first, second);
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> instances.stream()
                    .allMatch(app -> app.streams().state() == KafkaStreams.State.RUNNING
                            && app.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty())));

            // Eight calls per account on one credential: five go (the window allows five a minute), three wait.
            TopicNames topics = first.config().topics();
            for (String account : ACCOUNTS) {
                for (int i = 0; i < 8; i++) {
                    producer.send(new ProducerRecord<>(topics.requests(), account, DispatcherStandIn.request(account, i)));
                }
            }
            producer.flush();
            List<ConsumerRecord<String, DispatchedCall>> dispatched = KafkaTestSupport.readUntil(dispatch,
                    r -> r.size() >= 5 * ACCOUNTS.size(), Duration.ofSeconds(60));
            // The dispatcher's part: every call answered 200 in 40 ms.
            for (ConsumerRecord<String, DispatchedCall> record : dispatched) {
                producer.send(new ProducerRecord<>(topics.results(), record.key(), DispatcherStandIn.success(record.value())));
            }
            producer.flush();

            for (String account : ACCOUNTS) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> json(first, "/accounts/" + account + "/calls?limit=20").path("data").path("calls").size() == 5);
            }

            Set<String> answeredBy = new HashSet<>();
            int forwarded = 0;
            for (String account : ACCOUNTS) {
                Map<String, JsonNode> usageFrom = new HashMap<>();
                for (TollgateApp asked : instances) {
                    String self = first == asked ? address(first) : address(second);

                    JsonNode usage = json(asked, "/accounts/" + account + "/usage");
                    assertThat(usage.path("account").asText()).isEqualTo(account);
                    assertThat(usage.path("partition").asInt()).isBetween(0, 1);
                    assertThat(usage.path("position").isObject()).isTrue();
                    answeredBy.add(usage.path("answeredBy").asText());
                    forwarded += usage.path("answeredBy").asText().equals(self) ? 0 : 1;
                    JsonNode burst = counter(usage, "burst");
                    assertThat(burst.path("subject").asText()).isEqualTo("credential:" + account + "/token");
                    assertThat(burst.path("limit").asLong()).isEqualTo(5);
                    assertThat(burst.path("used").asLong()).isEqualTo(5);
                    assertThat(burst.path("remaining").asLong()).isZero();
                    assertThat(burst.path("binding").asBoolean()).isTrue();
                    assertThat(burst.path("mode").asText()).isEqualTo("enforce");
                    JsonNode daily = counter(usage, "daily");
                    assertThat(daily.path("used").asLong()).isEqualTo(5);
                    assertThat(daily.path("remaining").asLong()).isEqualTo(995);
                    assertThat(daily.path("resetAt").asText()).endsWith("Z");
                    assertThat(usage.path("data").path("zone").asText()).isEqualTo("Europe/Tallinn");
                    usageFrom.put(self, usage);

                    JsonNode today = json(asked, "/accounts/" + account + "/usage/today?by=integration");
                    assertThat(today.path("data").path("calls").asLong()).isEqualTo(5);
                    assertThat(today.path("data").path("usage").get(0).path("key").asText()).isEqualTo("crm");
                    assertThat(today.path("data").path("outcomes").path("SUCCESS").asLong()).isEqualTo(5);
                    assertThat(today.path("data").path("callsByHour").size()).isEqualTo(24);
                    JsonNode entities = json(asked, "/accounts/" + account + "/usage/today?by=entity");
                    assertThat(entities.path("data").path("usage").get(0).path("key").asText()).isEqualTo("/v1/deals/{id}");

                    JsonNode calls = json(asked, "/accounts/" + account + "/calls?limit=3");
                    assertThat(calls.path("data").path("calls").size()).isEqualTo(3);
                    JsonNode last = calls.path("data").path("calls").get(0);
                    assertThat(last.path("outcome").asText()).isEqualTo("SUCCESS");
                    assertThat(last.path("status").asInt()).isEqualTo(200);
                    assertThat(last.path("latencyMs").asLong()).isEqualTo(40);
                    assertThat(last.path("entity").asText()).isEqualTo("/v1/deals/{id}");

                    JsonNode queue = json(asked, "/accounts/" + account + "/queue");
                    assertThat(queue.path("data").path("waiting").asInt()).isEqualTo(3);
                    JsonNode lane = queue.path("data").path("lanes").get(0);
                    assertThat(lane.path("integration").asText()).isEqualTo("crm");
                    assertThat(lane.path("waiting").asInt()).isEqualTo(3);
                    assertThat(lane.path("heldBy").asText()).isEqualTo("burst");
                    assertThat(lane.path("oldestWaitMs").asLong()).isPositive();
                }
                // Both instances gave the owner's answer: the same counters.
                assertThat(usageFrom.values().stream().map(u -> u.path("data").path("counters").toString()).distinct()).hasSize(1);
            }
            assertThat(answeredBy).as("each instance owns some accounts").containsExactlyInAnyOrder(address(first), address(second));
            assertThat(forwarded).as("questions about the other instance's accounts were forwarded").isPositive();

            System.out.println("QueryApiIT: GET /accounts/acct-0/usage\n" + JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(json(second, "/accounts/acct-0/usage")));
            // The terminal view renders the same answers as tables.
            String table = UsageTable.render(json(second, "/accounts/acct-0/usage"),
                    json(second, "/accounts/acct-0/usage/today?by=integration"), json(second, "/accounts/acct-0/queue"));
            assertThat(table).contains("Account acct-0  policy five-per-window  zone Europe/Tallinn")
                    .containsPattern("burst\\s+credential:acct-0/token\\s+5\\s+5\\s+0\\s+\\S+\\s+yes")
                    .containsPattern("crm\\s+5\\s+5").contains("Waiting: 3 calls");

            assertThat(first.metrics().waiting() + second.metrics().waiting()).as("the queue gauges of both instances")
                    .isEqualTo(3L * ACCOUNTS.size());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> first.metrics().oldestWaitSeconds() > 0
                    && second.metrics().oldestWaitSeconds() > 0);
            // Kafka Streams', the clients' and the JVM's meters are exposed too, under the names deploy/grafana asks for.
            String metrics = get(first, "/metrics", TOKEN).body();
            String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("..", "deploy", "grafana", "tollgate-dashboard.json"));
            for (String prefix : List.of("kafka_", "jvm_")) {
                Set<String> asked = io.tollgate.topology.GrafanaDashboardTest.namesIn(dashboard, prefix);
                assertThat(asked).isNotEmpty();
                assertThat(io.tollgate.topology.GrafanaDashboardTest.namesIn(metrics, prefix)).containsAll(asked);
            }

            for (TollgateApp asked : instances) {
                JsonNode accounts = json(asked, "/accounts");
                assertThat(accounts.path("accounts").findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(ACCOUNTS);
                JsonNode policy = json(asked, "/policies/five-per-window");
                assertThat(policy.path("rules").findValuesAsText("id")).containsExactly("burst", "daily");
                assertThat(get(asked, "/policies/none", TOKEN).statusCode()).isEqualTo(404);
                assertThat(get(asked, "/accounts/acct-0/usage", null).statusCode()).as("no token").isEqualTo(401);
                assertThat(get(asked, "/accounts/acct-0/usage", "wrong").statusCode()).isEqualTo(401);
                assertThat(get(asked, "/health", null).statusCode()).as("probes stay open").isEqualTo(200);
                assertThat(get(asked, "/accounts/acct-0/usage/today?by=colour", TOKEN).statusCode()).isEqualTo(400);
            }

            // The second instance leaves: while its accounts move to the first, every answer is the right one or
            // "unavailable, retry", never an empty or wrong one; then the first answers for all of them.
            List<String> moving = ACCOUNTS.stream().filter(a -> {
                try {
                    return json(first, "/accounts/" + a + "/usage").path("answeredBy").asText().equals(address(second));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).toList();
            assertThat(moving).isNotEmpty();
            second.close();
            Map<Integer, Integer> statuses = new HashMap<>();
            // Asked every 50 ms until the first instance answers for all of them; every answer on the way is checked.
            Awaitility.await("the first instance answers for every account").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        boolean allMoved = true;
                        for (String account : moving) {
                            HttpResponse<String> response = get(first, "/accounts/" + account + "/usage", TOKEN);
                            statuses.merge(response.statusCode(), 1, Integer::sum);
                            if (response.statusCode() == 200) {
                                JsonNode usage = JSON.readTree(response.body());
                                assertThat(counter(usage, "burst").path("used").asLong()).as(account + " after the move").isEqualTo(5);
                                allMoved &= usage.path("answeredBy").asText().equals(address(first));
                            } else {
                                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                                allMoved = false;
                            }
                        }
                        return allMoved;
                    });
            System.out.println("QueryApiIT: answers while " + moving.size() + " accounts moved, by status: " + statuses);
        }
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new HashMap<>(base);
        all.put(key, value);
        return all;
    }

    private static String address(TollgateApp app) {
        return app.restUrl().getHost() + ":" + app.restUrl().getPort();
    }

    private static JsonNode counter(JsonNode usage, String rule) {
        for (JsonNode c : usage.path("data").path("counters")) {
            if (c.path("rule").asText().equals(rule)) {
                return c;
            }
        }
        throw new AssertionError("no counter of " + rule + " in " + usage);
    }

    private static JsonNode json(TollgateApp app, String path) throws Exception {
        HttpResponse<String> response = get(app, path, TOKEN);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(TOKEN);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(TollgateApp app, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.restUrl() + path)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
