package io.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.app.TollgateApp;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.policy.Policy;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.policy.PolicyFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A limit changed in the policies topic while calls flow applies to the next decisions, without a restart. */
class PolicyHotReloadIT extends TollgateITBase {

    private static final String FIVE = """
            policies:
              - id: burst
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 5, window: 2s}}
            accounts:
              - {id: acme, policy: burst}
            """;

    @Test
    void shouldApplyAChangedLimitWhileTrafficFlows() throws Exception {
        try (TollgateApp app = startTollgate("reload", FIVE, Map.of());
             KafkaProducer<String, SpecificRecord> producer = KafkaTestSupport.avroProducer(app.bootstrapServers(), app.registryUrl());
             KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(app.bootstrapServers(),
                     app.registryUrl(), DispatchedCall.class, "reload.dispatch")) {
            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            // About 20 calls a second, four times the first limit and at the second one.
            traffic.scheduleAtFixedRate(() -> producer.send(new ProducerRecord<>("reload.requests", "acme",
                    LimiterIT.request("c-" + sent.incrementAndGet(), "token-a"))), 0, 50, TimeUnit.MILLISECONDS);
            List<ConsumerRecord<String, DispatchedCall>> before = KafkaTestSupport.readUntil(dispatch, r -> r.size() >= 15,
                    Duration.ofSeconds(60));

            long changedAt = System.currentTimeMillis();
            Policy twenty = PolicyFile.parse(FIVE.replace("limit: 5", "limit: 20"), "", LimiterSettings.DEFAULTS).policies().get(0);
            producer.send(new ProducerRecord<>("reload.policies", "burst", twenty)).get();
            List<ConsumerRecord<String, DispatchedCall>> after = new ArrayList<>();
            long until = changedAt + 8000;
            while (System.currentTimeMillis() < until) {
                dispatch.poll(Duration.ofMillis(200)).forEach(after::add);
            }
            traffic.shutdownNow();

            assertThat(LimiterIT.mostInAnyWindow(before.stream().map(ConsumerRecord::value).toList(), DispatchedCall::getExecuteAt, 2000))
                    .as("old limit").isLessThanOrEqualTo(5);
            List<DispatchedCall> settled = after.stream().map(ConsumerRecord::value)
                    .filter(d -> d.getDecidedAt().toEpochMilli() > changedAt + 2000).toList();
            long peak = LimiterIT.mostInAnyWindow(settled, DispatchedCall::getExecuteAt, 2000);
            assertThat(peak).as("new limit applies, and holds").isGreaterThan(10).isLessThanOrEqualTo(20);
            System.out.printf("PolicyHotReloadIT: busiest 2 s before the change %d (limit 5), after it %d (limit 20)%n",
                    LimiterIT.mostInAnyWindow(before.stream().map(ConsumerRecord::value).toList(), DispatchedCall::getExecuteAt, 2000), peak);
        }
    }
}
