package io.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.app.TollgateApp;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.config.TopicNames;
import io.tollgate.limiter.oracle.MostInAnyInterval;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The limiter on a real KRaft broker, exactly-once, RocksDB stores, wall-clock punctuation. */
class LimiterIT extends TollgateITBase {

    private static final String POLICY = """
            policies:
              - id: burst-20
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 20, window: 2s}}
            accounts:
              - {id: acme, policy: burst-20}
            """;

    @Test
    void shouldDispatchEveryRequestOnceAndNeverMoreThan20Per2sPerCredential() throws Exception {
        try (TollgateApp app = startTollgate("burst", POLICY, Map.of());
             KafkaProducer<String, SpecificRecord> producer = KafkaTestSupport.avroProducer(app.bootstrapServers(), app.registryUrl());
             KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(app.bootstrapServers(),
                     app.registryUrl(), DispatchedCall.class, "burst.dispatch")) {
            TopicNames topics = app.config().topics();
            for (int i = 0; i < 200; i++) {
                for (String credential : List.of("token-a", "token-b", "token-c")) {
                    ApiRequest request = request(credential + "-" + i, credential);
                    producer.send(new ProducerRecord<>(topics.requests(), "acme", request));
                }
            }
            producer.flush();

            List<ConsumerRecord<String, DispatchedCall>> records = KafkaTestSupport.readUntil(dispatch,
                    r -> r.size() >= 600, Duration.ofSeconds(120));
            records.addAll(KafkaTestSupport.drain(dispatch, Duration.ofSeconds(2)));

            Map<String, Long> perId = records.stream().collect(Collectors.groupingBy(r -> r.value().getRequest().getRequestId(),
                    Collectors.counting()));
            assertThat(perId).hasSize(600);
            assertThat(perId.values()).containsOnly(1L);
            Map<String, List<DispatchedCall>> byCredential = records.stream().map(ConsumerRecord::value)
                    .collect(Collectors.groupingBy(d -> d.getRequest().getCredentialRef()));
            for (List<DispatchedCall> calls : byCredential.values()) {
                assertThat(mostInAnyWindow(calls, d -> d.getExecuteAt(), 2000)).isLessThanOrEqualTo(20);
                assertThat(mostInAnyWindow(calls, d -> d.getDecidedAt(), 2000)).isLessThanOrEqualTo(20);
                // Submission order within each credential (one integration, one lane).
                List<Integer> order = calls.stream().map(d -> Integer.parseInt(d.getRequest().getRequestId().replaceAll(".*-", ""))).toList();
                assertThat(order).isSorted();
            }
            long first = records.stream().mapToLong(r -> r.value().getExecuteAt().toEpochMilli()).min().orElseThrow();
            long last = records.stream().mapToLong(r -> r.value().getExecuteAt().toEpochMilli()).max().orElseThrow();
            System.out.printf("LimiterIT: 600 calls over %d ms; limit allows 20 per 2000 ms per credential (10 windows each)%n", last - first);
            assertThat(last - first).as("uses the allowance: 10 windows of 2.1 s").isLessThan(25_000);
        }
    }

    @Test
    void shouldRejectUndecodableAndInvalidInputOnTheRealBrokerAndKeepGoing() throws Exception {
        try (TollgateApp app = startTollgate("badinput", POLICY, Map.of());
             KafkaProducer<String, byte[]> raw = KafkaTestSupport.rawProducer(app.bootstrapServers());
             KafkaProducer<String, SpecificRecord> producer = KafkaTestSupport.avroProducer(app.bootstrapServers(), app.registryUrl());
             KafkaConsumer<String, RejectedCall> rejected = KafkaTestSupport.committedConsumer(app.bootstrapServers(),
                     app.registryUrl(), RejectedCall.class, "badinput.rejected");
             KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(app.bootstrapServers(),
                     app.registryUrl(), DispatchedCall.class, "badinput.dispatch")) {
            raw.send(new ProducerRecord<>("badinput.requests", "acme", new byte[] {0x13, 0x37, 0x00}));
            raw.send(new ProducerRecord<>("badinput.requests", "acme",
                    "{\"request_id\":\"bad-json\",\"account\":\"acme\",\"method\":\"GET\"}".getBytes(StandardCharsets.UTF_8)));
            raw.flush();
            producer.send(new ProducerRecord<>("badinput.requests", "acme", request("good", "token-a")));
            producer.flush();

            List<ConsumerRecord<String, RejectedCall>> bad = KafkaTestSupport.readUntil(rejected, r -> r.size() >= 2, Duration.ofSeconds(60));
            List<ConsumerRecord<String, DispatchedCall>> good = KafkaTestSupport.readUntil(dispatch, r -> r.size() >= 1, Duration.ofSeconds(60));

            assertThat(bad).extracting(r -> r.value().getReason()).containsExactlyInAnyOrder("UNDECODABLE", "INVALID_REQUEST");
            assertThat(good).extracting(r -> r.value().getRequest().getRequestId()).containsExactly("good");
            assertThat(app.streams().state().isRunningOrRebalancing()).isTrue();
        }
    }

    @Test
    void shouldHoldTheLimitWhenProducersPartitionTheAccountDifferently() throws Exception {
        // librdkafka's default partitioner (CRC32) puts a key elsewhere than Java's (murmur2): requests of one
        // account arrive on every partition, and must still be decided by the one task that owns its counters.
        try (TollgateApp app = startTollgate("anypart", POLICY, Map.of("topic.partitions", "4"));
             KafkaProducer<String, SpecificRecord> producer = KafkaTestSupport.avroProducer(app.bootstrapServers(), app.registryUrl());
             KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(app.bootstrapServers(),
                     app.registryUrl(), DispatchedCall.class, "anypart.dispatch")) {
            for (int i = 0; i < 120; i++) {
                producer.send(new ProducerRecord<>("anypart.requests", i % 4, "acme", request("p-" + i, "token-a")));
            }
            producer.flush();

            List<ConsumerRecord<String, DispatchedCall>> records = KafkaTestSupport.readUntil(dispatch, r -> r.size() >= 120,
                    Duration.ofSeconds(90));
            records.addAll(KafkaTestSupport.drain(dispatch, Duration.ofSeconds(2)));

            assertThat(records).extracting(r -> r.value().getRequest().getRequestId()).doesNotHaveDuplicates().hasSize(120);
            assertThat(mostInAnyWindow(records.stream().map(ConsumerRecord::value).toList(), DispatchedCall::getExecuteAt, 2000))
                    .isLessThanOrEqualTo(20);
            assertThat(app.metrics().count("tollgate_routed_total", "")).isEqualTo(90);
        }
    }

    static ApiRequest request(String id, String credential) {
        return ApiRequest.newBuilder()
                .setRequestId(id).setAccount("acme").setCredentialRef(credential).setAuthKind(AuthKind.API_TOKEN)
                .setIntegration("crm-" + credential).setMethod("GET").setPath("/v1/deals/1").setApiVersion("v1")
                .setHeaders(new HashMap<>()).setSubmittedAt(Instant.now()).build();
    }

    /** Most dispatches within any interval of {@code windowMs}, by the instant {@code time} reads. */
    static <T> long mostInAnyWindow(List<T> calls, Function<T, Instant> time, long windowMs) {
        return MostInAnyInterval.calls(calls, call -> time.apply(call).toEpochMilli(), windowMs);
    }
}
