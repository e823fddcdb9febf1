package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.config.TollgateConfig;
import io.tollgate.sandbox.vendor.SimulatedVendor;
import io.tollgate.sandbox.vendor.VendorCall;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small daily quota is used to the last unit: a burst above it gives the vendor exactly the quota that
 * day, and each call over it waits for the next reset in the account's zone, or is refused with that
 * time when its maximum wait ends before it.
 */
class DailyQuotaIT {

    private static final int QUOTA = 50;
    private static final int BURST = 80;
    private static final ZoneId ZONE = ZoneId.of("Australia/Sydney");

    @Test
    void shouldGiveTheVendorExactlyTheDailyQuotaAndRefuseTheRestWithTheResetInTheAccountsZone(@TempDir Path dir) throws Exception {
        // A maximum wait that ends before the reset: every call over the quota is refused, none waits.
        burst(dir, minutesToMidnight -> Math.min(60, minutesToMidnight - 10), (sandbox, midnight) -> {
            Map<String, RejectedCall> refused = records(sandbox, sandbox.tollgate().config().topics().rejected(), RejectedCall.class,
                    RejectedCall::getRequestId, BURST - QUOTA);
            assertThat(refused.values()).allSatisfy(r -> {
                assertThat(r.getReason()).isEqualTo("WAIT_EXCEEDS_MAX");
                assertThat(r.getRuleId()).isEqualTo("daily-calls");
                assertThat(r.getCouldGoAt()).as("the reset: midnight in %s", ZONE).isEqualTo(midnight);
            });
            return refused.keySet();
        });
    }

    @Test
    void shouldGiveTheVendorExactlyTheDailyQuotaAndHoldTheRestForTheResetInTheAccountsZone(@TempDir Path dir) throws Exception {
        // A maximum wait past the reset: every call over the quota waits for it.
        burst(dir, minutesToMidnight -> 48 * 60, (sandbox, midnight) -> {
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> sandbox.tollgate().metrics().registry().get("tollgate.queue.waiting").gauge().value() == BURST - QUOTA);
            // The lane's head is told it now waits for the reset (calls also waited a moment for one of the three
            // connections, and queued behind each other: those delays are not the quota's); the calls behind it
            // wait behind it.
            Map<String, DelayedCall> told = records(sandbox, sandbox.tollgate().config().topics().delay(), DelayedCall.class,
                    d -> d.getBindingRule().equals("daily-calls") ? d.getRequest().getRequestId() : null, 1);
            assertThat(told.values()).allSatisfy(d -> assertThat(d.getNotBefore()).as("the reset: midnight in %s", ZONE)
                    .isEqualTo(midnight));
            Set<String> sent = new HashSet<>();
            accepted(sandbox).forEach(c -> sent.add(c.requestId()));
            Set<String> waiting = new HashSet<>();
            for (int i = 0; i < BURST; i++) {
                if (!sent.contains("quota-" + i)) {
                    waiting.add("quota-" + i);
                }
            }
            assertThat(told.keySet()).isSubsetOf(waiting);
            return waiting;
        });
    }

    /** What the test checks of the calls over the quota; returns their request ids. */
    private interface OverQuota {
        Set<String> check(Sandbox sandbox, Instant midnight) throws Exception;
    }

    /** Sends a burst of {@code BURST} calls against a daily quota of {@code QUOTA}, with the maximum wait given for the minutes left in the day. */
    private static void burst(Path dir, java.util.function.LongUnaryOperator maxWaitMinutes, OverQuota overQuota) throws Exception {
        ZonedDateTime now = ZonedDateTime.now(ZONE);
        Instant midnight = now.toLocalDate().plusDays(1).atStartOfDay(ZONE).toInstant();
        long minutesToMidnight = Duration.between(now.toInstant(), midnight).toMinutes();
        Assumptions.assumeTrue(minutesToMidnight > 15, "the vendor's day must not end during the test");
        Path policies = Files.writeString(dir.resolve("small-quota.yaml"), """
                policies:
                  - id: small-forms
                    rules:
                      - {id: daily-calls, key: account, dailyQuota: {limit: %d, zone: account, reset: first-request-after-midnight}, maxWait: %dm}
                      - {id: concurrent-connections, key: account, concurrency: {limit: 3, lease: 60s}}
                accounts:
                  - {id: forms-org, policy: small-forms, timeZone: %s}
                """.formatted(QUOTA, maxWaitMinutes.applyAsLong(minutesToMidnight), ZONE.getId()));
        List<SimulatedVendor.Company> companies = SandboxAccounts.COMPANIES.stream()
                .map(c -> c.platform() == SimulatedVendor.Platform.FORMS ? c.withDailyCalls(QUOTA) : c).toList();

        try (Sandbox sandbox = Sandbox.start(Map.of(TollgateConfig.REST_PORT, "0", TollgateConfig.POLICY_FILE, policies.toString()),
                Map.of(), 50, companies);
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     sandbox.bootstrapServers()), new StringSerializer(), new AvroSerializer<>(new SchemaRegistryClient(sandbox.registryUrl()), true))) {
            for (int i = 0; i < BURST; i++) {
                ApiRequest request = Traffic.forms("quota-" + i);
                producer.send(new ProducerRecord<>(sandbox.tollgate().config().topics().requests(), request.getAccount(), request));
            }
            producer.flush();

            Set<String> over = overQuota.check(sandbox, midnight);
            // No call beyond the quota reaches the vendor afterwards.
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30))
                    .until(() -> accepted(sandbox).size() == QUOTA);

            List<VendorCall> accepted = accepted(sandbox);
            assertThat(sandbox.vendor().rateLimited()).as("429s at the vendor").isZero();
            assertThat(accepted).extracting(VendorCall::requestId).doesNotHaveDuplicates().doesNotContainAnyElementsOf(over);
            Set<String> ended = new HashSet<>(over);
            accepted.forEach(c -> ended.add(c.requestId()));
            assertThat(ended).as("every call of the burst sent once or held back").hasSize(BURST);
            System.out.printf("DailyQuotaIT: %d calls against a daily quota of %d: the vendor saw %d, %d were held back until %s%n",
                    BURST, QUOTA, accepted.size(), over.size(), midnight);
        }
    }

    private static List<VendorCall> accepted(Sandbox sandbox) {
        return sandbox.vendor().calls().stream().filter(c -> c.company().equals("forms-org") && c.status() == 200).toList();
    }

    /** The first {@code count} records of {@code topic} that {@code requestId} names (null: not one of them), read within 90 s. */
    private static <T extends SpecificRecord> Map<String, T> records(Sandbox sandbox, String topic, Class<T> type,
                                                                     java.util.function.Function<T, String> requestId, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "daily-quota-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, T> found = new HashMap<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroDeserializer<>(new SchemaRegistryClient(sandbox.registryUrl()), type))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    String id = requestId.apply(record.value());
                    if (id != null) {
                        found.put(id, record.value());
                    }
                }
            }
        }
        assertThat(found).as("records on %s", topic).hasSize(count);
        return found;
    }
}
