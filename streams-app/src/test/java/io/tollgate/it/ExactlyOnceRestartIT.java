package io.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.config.TollgateConfig;
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
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Nothing lost, nothing twice: Tollgate is killed (SIGKILL) in the middle of traffic and started again
 * on a new state directory, so it must restore every counter and waiting call from the changelogs.
 * Read with read_committed, every request ends in exactly one of dispatch or rejected, and the limit
 * still holds across the crash.
 */
class ExactlyOnceRestartIT extends TollgateITBase {

    private static final String POLICY = """
            policies:
              - id: burst-20
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 20, window: 2s}}
            accounts:
              - {id: acme, policy: burst-20}
            """;

    @Test
    void shouldEndEveryRequestInExactlyOneOutputAcrossAHardCrash() throws Exception {
        Path policy = Files.writeString(work.resolve("eos.yaml"), POLICY);
        Map<String, String> settings = new HashMap<>(Map.of(
                TollgateConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                TollgateConfig.SCHEMA_REGISTRY_URL, registry.url(),
                TollgateConfig.TOPIC_PREFIX, "eos.",
                TollgateConfig.TOPIC_PARTITIONS, "2",
                TollgateConfig.APPLICATION_ID, "tollgate-eos",
                TollgateConfig.POLICY_FILE, policy.toString(),
                TollgateConfig.REST_PORT, "0",
                // No dispatcher here, so no results: windows are reused without waiting for them.
                TollgateConfig.RESULT_WAIT_MS, "0"));
        // A killed member is noticed after the session timeout, and its open transaction aborted after the
        // transaction timeout: short ones keep the test short (read_committed waits for that abort).
        settings.put("consumer.session.timeout.ms", "6000");
        settings.put("consumer.heartbeat.interval.ms", "1000");
        settings.put("producer.transaction.timeout.ms", "5000");
        settings.put(TollgateConfig.STATE_DIR, work.resolve("eos-state-1").toString());
        Set<String> expected = new HashSet<>();

        try (ForkedTollgate first = ForkedTollgate.start(settings, work.resolve("eos-1.log"));
             KafkaProducer<String, SpecificRecord> producer = KafkaTestSupport.avroProducer(kafka.bootstrapServers(), registry.url());
             KafkaProducer<String, byte[]> raw = KafkaTestSupport.rawProducer(kafka.bootstrapServers());
             KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(kafka.bootstrapServers(),
                     registry.url(), DispatchedCall.class, "eos.dispatch");
             KafkaConsumer<String, RejectedCall> rejected = KafkaTestSupport.committedConsumer(kafka.bootstrapServers(),
                     registry.url(), RejectedCall.class, "eos.rejected")) {
            for (int i = 0; i < 200; i++) {
                for (String credential : List.of("token-a", "token-b")) {
                    String id = credential + "-" + i;
                    expected.add(id);
                    producer.send(new ProducerRecord<>("eos.requests", "acme", request(id, credential, null)));
                }
                if (i % 40 == 0) {
                    String id = "invalid-" + i;
                    expected.add(id);
                    raw.send(new ProducerRecord<>("eos.requests", "acme",
                            ("{\"request_id\":\"" + id + "\",\"account\":\"acme\",\"method\":\"GET\"}").getBytes(StandardCharsets.UTF_8)));
                }
                if (i % 50 == 0) {
                    String id = "deadline-" + i;
                    expected.add(id);
                    producer.send(new ProducerRecord<>("eos.requests", "acme", request(id, "token-a", Instant.now().plusSeconds(3))));
                }
            }
            producer.flush();
            raw.flush();

            List<ConsumerRecord<String, DispatchedCall>> before = KafkaTestSupport.readUntil(dispatch, r -> r.size() >= 100,
                    Duration.ofSeconds(90));
            first.kill();
            settings.put(TollgateConfig.STATE_DIR, work.resolve("eos-state-2").toString());
            try (ForkedTollgate second = ForkedTollgate.start(settings, work.resolve("eos-2.log"))) {
                List<ConsumerRecord<String, DispatchedCall>> dispatched = new java.util.ArrayList<>(before);
                List<ConsumerRecord<String, RejectedCall>> rejections = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (ids(dispatched, rejections).size() < expected.size() && System.nanoTime() < deadline) {
                    dispatch.poll(Duration.ofMillis(200)).forEach(dispatched::add);
                    rejected.poll(Duration.ofMillis(50)).forEach(rejections::add);
                }
                dispatched.addAll(KafkaTestSupport.drain(dispatch, Duration.ofSeconds(3)));
                rejections.addAll(KafkaTestSupport.drain(rejected, Duration.ofSeconds(1)));

                Map<String, Long> outcomes = new HashMap<>();
                dispatched.forEach(r -> outcomes.merge(r.value().getRequest().getRequestId(), 1L, Long::sum));
                rejections.forEach(r -> outcomes.merge(r.value().getRequestId(), 1L, Long::sum));
                assertThat(outcomes.keySet()).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(outcomes.entrySet().stream().filter(e -> e.getValue() != 1).toList()).as("ended more than once").isEmpty();
                assertThat(rejections).extracting(r -> r.value().getReason()).contains("INVALID_REQUEST", "DEADLINE_PASSED");
                Map<String, List<DispatchedCall>> byCredential = dispatched.stream().map(ConsumerRecord::value)
                        .collect(Collectors.groupingBy(d -> d.getRequest().getCredentialRef()));
                for (List<DispatchedCall> calls : byCredential.values()) {
                    assertThat(LimiterIT.mostInAnyWindow(calls, DispatchedCall::getExecuteAt, 2000)).isLessThanOrEqualTo(20);
                }
                System.out.printf("ExactlyOnceRestartIT: %d requests, %d dispatched (%d before the kill), %d rejected, each exactly once%n",
                        expected.size(), dispatched.size(), before.size(), rejections.size());
            }
        }
    }

    private static Set<String> ids(List<ConsumerRecord<String, DispatchedCall>> dispatched,
                                   List<ConsumerRecord<String, RejectedCall>> rejected) {
        Set<String> ids = new HashSet<>();
        dispatched.forEach(r -> ids.add(r.value().getRequest().getRequestId()));
        rejected.forEach(r -> ids.add(r.value().getRequestId()));
        return ids;
    }

    private static ApiRequest request(String id, String credential, Instant deadline) {
        return ApiRequest.newBuilder()
                .setRequestId(id).setAccount("acme").setCredentialRef(credential).setAuthKind(AuthKind.API_TOKEN)
                .setIntegration("crm").setMethod("GET").setPath("/v1/deals/1").setApiVersion("v1").setDeadline(deadline)
                .setHeaders(new HashMap<>()).setSubmittedAt(Instant.now()).build();
    }
}
