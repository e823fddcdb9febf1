package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.client.Outcome;
import io.tollgate.config.TollgateConfig;
import io.tollgate.limiter.RejectReason;
import io.tollgate.sandbox.vendor.SimulatedVendor;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tollgate --data.dir=DIR}: a restart finds the day's usage still counted. The vendor starts afresh
 * (it is simulated in memory), so only Tollgate's own memory of the first run keeps the day's total at the quota.
 */
class PersistentSandboxIT {

    private static final int QUOTA = 50;
    private static final int FIRST_RUN = 30;
    private static final int SECOND_RUN = 40;
    private static final ZoneId ZONE = ZoneId.of("Australia/Sydney");
    private static final org.apache.avro.Schema PROBE = new org.apache.avro.Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"run\",\"type\":\"int\"}]}");

    @Test
    void shouldKeepTheDaysUsageAndTheSchemaIdsAcrossARestart(@TempDir Path dir) throws Exception {
        ZonedDateTime now = ZonedDateTime.now(ZONE);
        Instant midnight = now.toLocalDate().plusDays(1).atStartOfDay(ZONE).toInstant();
        Assumptions.assumeTrue(Duration.between(now.toInstant(), midnight).toMinutes() > 15, "the vendor's day must not end during the test");
        Path policies = Files.writeString(dir.resolve("small-quota.yaml"), """
                policies:
                  - id: small-forms
                    rules:
                      - {id: daily-calls, key: account, dailyQuota: {limit: %d, zone: account, reset: first-request-after-midnight}, maxWait: 5m}
                      - {id: concurrent-connections, key: account, concurrency: {limit: 3, lease: 60s}}
                accounts:
                  - {id: forms-org, policy: small-forms, timeZone: %s}
                """.formatted(QUOTA, ZONE.getId()));
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Map<String, String> settings = Map.of(TollgateConfig.REST_PORT, "0", TollgateConfig.POLICY_FILE, policies.toString());
        List<SimulatedVendor.Company> companies = SandboxAccounts.COMPANIES.stream()
                .map(c -> c.platform() == SimulatedVendor.Platform.FORMS ? c.withDailyCalls(QUOTA) : c).toList();

        int requestsSchemaId;
        int probeId;
        int sentFirst;
        try (Sandbox first = Sandbox.start(settings, Map.of(), 20, companies, data)) {
            assertThat(first.persistent()).isTrue();
            List<Outcome> outcomes = Traffic.submitForms(first, "first-", FIRST_RUN, null);
            assertThat(outcomes).allSatisfy(o -> assertThat(o.succeeded()).as("%s", o).isTrue());
            sentFirst = vendorCalls(first);
            requestsSchemaId = new SchemaRegistryClient(first.registryUrl()).version("tollgate.requests-value", 1).id();
            probeId = new SchemaRegistryClient(first.registryUrl()).register("persistence-probe-value", PROBE);
        }
        assertThat(sentFirst).isEqualTo(FIRST_RUN);
        assertThat(data.resolve("kafka")).isDirectory();
        assertThat(data.resolve("state")).isDirectory();

        try (Sandbox second = Sandbox.start(settings, Map.of(), 20, companies, data)) {
            SchemaRegistryClient registry = new SchemaRegistryClient(second.registryUrl());
            assertThat(registry.version("tollgate.requests-value", 1).id()).as("the schema id the first run's records carry")
                    .isEqualTo(requestsSchemaId);
            // A subject only the first run registered: a registry that forgot would not know it or its id.
            assertThat(registry.version("persistence-probe-value", 1).id()).isEqualTo(probeId);
            assertThat(registry.schemaById(probeId)).isEqualTo(PROBE);
            List<Outcome> outcomes = Traffic.submitForms(second, "second-", SECOND_RUN, null);
            long dispatched = outcomes.stream().filter(o -> o instanceof Outcome.Dispatched).count();
            assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Rejected).hasSize(FIRST_RUN + SECOND_RUN - QUOTA)
                    .allSatisfy(o -> {
                        Outcome.Rejected r = (Outcome.Rejected) o;
                        assertThat(r.reason()).isEqualTo(RejectReason.WAIT_EXCEEDS_MAX.name());
                        assertThat(r.rejection().getRuleId()).isEqualTo("daily-calls");
                        assertThat(r.rejection().getCouldGoAt()).isEqualTo(midnight);
                    });
            // No call over the quota reaches the vendor afterwards either.
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20)).until(() -> vendorCalls(second) == dispatched);
            assertThat(sentFirst + dispatched).as("the vendor's calls that day, over both runs").isEqualTo(QUOTA);
            assertThat(second.vendor().rateLimited()).isZero();
            System.out.printf("PersistentSandboxIT: %d calls before the restart, %d of %d after it (quota %d), the rest refused until %s%n",
                    sentFirst, dispatched, SECOND_RUN, QUOTA, midnight);
        }
    }

    private static int vendorCalls(Sandbox sandbox) {
        return (int) sandbox.vendor().calls().stream().filter(c -> c.company().equals("forms-org") && c.status() == 200).count();
    }
}
