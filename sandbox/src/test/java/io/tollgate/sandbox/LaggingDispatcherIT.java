package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.config.TollgateConfig;
import io.tollgate.sandbox.vendor.VendorCall;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Decision time is not call time. The dispatcher stalls for seconds while the limiter keeps deciding,
 * then catches up all at once: sent as they come, those calls would hit the vendor together. Each
 * carries its slot; past it, the dispatcher returns it as STALE and the limiter schedules it again.
 */
class LaggingDispatcherIT {

    @Test
    void shouldKeepTheVendorWithinLimitsWhenTheDispatcherLags() throws Exception {
        try (Sandbox sandbox = Sandbox.start(Map.of(TollgateConfig.REST_PORT, "0"), Map.of(), 5);
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     sandbox.bootstrapServers()), new StringSerializer(), new AvroSerializer<>(new SchemaRegistryClient(sandbox.registryUrl()), true))) {
            String topic = sandbox.tollgate().config().topics().requests();
            List<ApiRequest> sent = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                sent.add(Traffic.pipedrive("lag-" + i, "acme-main", AuthKind.API_TOKEN, "bulk-import", "GET", "/api/v2/deals/" + i));
            }
            sandbox.connect().pause(Sandbox.CONNECTOR);
            sent.forEach(r -> producer.send(new ProducerRecord<>(topic, r.getAccount(), r)));
            producer.flush();
            // While the dispatcher is stalled the limiter dispatches three windows' worth (120 calls).
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> sandbox.tollgate().metrics().count("tollgate_dispatched_total", "") >= 120);
            sandbox.connect().resume(Sandbox.CONNECTOR);

            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> sandbox.vendor().calls().size() >= sent.size());
            List<VendorCall> calls = sandbox.vendor().calls();
            long stale = sandbox.tollgate().metrics().count("tollgate_requeued_total", "outcome=\"STALE\"");

            assertThat(stale).as("late calls were returned, not sent: at least a window's worth").isGreaterThanOrEqualTo(40);
            assertThat(calls.stream().filter(VendorCall::rateLimited).toList()).as("429s at the vendor").isEmpty();
            assertThat(Traffic.maxInWindow(calls, 2000)).isLessThanOrEqualTo(40);
            Map<String, Long> perRequest = calls.stream().collect(Collectors.groupingBy(VendorCall::requestId, Collectors.counting()));
            assertThat(perRequest).hasSize(sent.size());
            assertThat(perRequest.values()).containsOnly(1L);
            System.out.printf("LaggingDispatcherIT: dispatcher stalled; %d calls came back STALE and were rescheduled; "
                    + "vendor saw %d calls, 429s %d, busiest 2 s %d (limit 40)%n", stale, calls.size(), sandbox.vendor().rateLimited(),
                    Traffic.maxInWindow(calls, 2000));
        }
    }
}
