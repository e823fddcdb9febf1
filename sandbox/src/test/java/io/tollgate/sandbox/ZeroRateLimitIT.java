package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.config.TollgateConfig;
import io.tollgate.sandbox.vendor.VendorCall;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * End to end, nothing simulated but the vendor: a real broker, the limiter, a real Connect worker
 * running the dispatch connector over HTTP, and a vendor that answers 429 to anything over the
 * published limits. Several integrations on several credentials burst far above the limits.
 */
class ZeroRateLimitIT {

    @Test
    void shouldKeepTheVendorFreeOf429sLoseNothingSendNothingTwiceAndUseTheAllowance() throws Exception {
        try (Sandbox sandbox = Sandbox.start(Map.of(TollgateConfig.REST_PORT, "0", TollgateConfig.TOPIC_PARTITIONS, "2"), Map.of(), 10);
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     sandbox.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                     new AvroSerializer<>(new SchemaRegistryClient(sandbox.registryUrl()), true))) {
            String topic = sandbox.tollgate().config().topics().requests();
            // The burst comes first, as it would after a start (issue 14: no warm-up phase). -Dtest.argLine="-Xmx2g
            // -XX:+UseParallelGC -Dit.warmUp=true" measures a running platform instead (docs/PERFORMANCE.md).
            if (Boolean.getBoolean("it.warmUp")) {
                warmUp(sandbox, producer, topic);
            }
            List<ApiRequest> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(Traffic.pipedrive("import-" + i, "acme-main", AuthKind.API_TOKEN, "bulk-import", "GET", "/api/v2/deals/" + i));
                sent.add(Traffic.pipedrive("reports-" + i, "acme-main", AuthKind.API_TOKEN, "reports", "GET", "/api/v2/persons/" + i));
                for (int j = 0; j < 2; j++) {
                    sent.add(Traffic.pipedrive("crm-" + i + "-" + j, "acme-sync", AuthKind.API_TOKEN, "crm-sync", i % 5 == 0 ? "POST" : "GET",
                            i % 5 == 0 ? "/api/v2/activities" : "/api/v2/activities/" + i));
                }
                for (int j = 0; j < 4; j++) {
                    sent.add(Traffic.pipedrive("app-" + i + "-" + j, "acme-oauth", AuthKind.OAUTH, "marketplace-app", "GET",
                            "/api/v2/organizations/" + i));
                }
                if (i < 30) {
                    sent.add(Traffic.forms("forms-" + i));
                }
            }
            long start = System.currentTimeMillis();
            for (ApiRequest request : sent) {
                producer.send(new ProducerRecord<>(topic, request.getAccount(), request));
            }
            producer.flush();

            Awaitility.await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                    .until(() -> measured(sandbox).size() >= sent.size());
            // Then two quiet seconds: a call sent twice would show up in them.
            java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> seen.getAndSet(sandbox.vendor().calls().size()) == sandbox.vendor().calls().size());
            List<VendorCall> calls = measured(sandbox);
            long elapsed = System.currentTimeMillis() - start;

            // Every call the vendor saw, and what the limiter decided, for a look at a run after the fact.
            Files.write(Path.of("target", "ZeroRateLimitIT-vendor-calls.txt"),
                    sandbox.vendor().calls().stream().map(VendorCall::toString).toList());
            try {
                DecisionLog.write(sandbox, Path.of("target", "ZeroRateLimitIT-decisions.txt"));
            } catch (Exception e) {
                // A look after the fact, not a check: the assertions below must still run.
                System.out.println("ZeroRateLimitIT: the decision log could not be written: " + e);
            }
            List<VendorCall> all = sandbox.vendor().calls();
            all.stream().filter(VendorCall::rateLimited).findFirst().ifPresent(first ->
                    all.stream().filter(c -> c.token().equals(first.token())).forEach(c -> System.out.println("VENDOR " + c)));
            assertThat(all.stream().filter(VendorCall::rateLimited).toList()).as("429s at the vendor, warm-up included").isEmpty();
            Map<String, Long> perRequest = calls.stream().collect(Collectors.groupingBy(VendorCall::requestId, Collectors.counting()));
            assertThat(perRequest.keySet()).as("nothing lost").containsExactlyInAnyOrderElementsOf(sent.stream().map(ApiRequest::getRequestId).toList());
            assertThat(perRequest.values()).as("nothing twice").containsOnly(1L);

            Map<String, List<VendorCall>> byToken = calls.stream().collect(Collectors.groupingBy(VendorCall::token));
            Map<String, Integer> limits = Map.of("acme-main", 40, "acme-sync", 40, "acme-oauth", 160);
            StringBuilder report = new StringBuilder();
            limits.forEach((token, limit) -> {
                List<VendorCall> mine = byToken.get(token);
                double fraction = Traffic.achievedFraction(mine, limit, 2000);
                double firstWindow = Traffic.achievedFraction(mine, limit, 2000, 0, limit);
                double afterIt = Traffic.achievedFraction(mine, limit, 2000, limit, Integer.MAX_VALUE);
                long peak = Traffic.maxInWindow(mine, 2000);
                report.append(String.format("  %-10s %4d calls, limit %3d per 2 s, busiest 2 s at the vendor %3d, achieved %.1f%% of the allowed rate "
                                + "(the first window's calls %.1f%%, the rest %.1f%%)%n",
                        token, mine.size(), limit, peak, fraction * 100, firstWindow * 100, afterIt * 100));
                assertThat(peak).isLessThanOrEqualTo(limit);
                // After the first window, each call's slack is its own lateness: 93.9 to 98.7% measured (a fixed 100 ms
                // jitter allowed at most 95.2%; the lowest was a CI run on a busy machine). The floor catches a slack
                // that grows back towards a constant (200 ms would give 91%). The first window depends on how fast a
                // JVM seconds old reads the burst in: 96.0 to 98.0% in twelve runs since the start-up warm-up and the
                // dispatcher's fixes, 92.4 to 97.1% in the runs just before them, 60 to 85% on older code. Its floor
                // catches the worst of that dip coming back. The printed figures, not the floors, show the gain
                // (docs/PERFORMANCE.md).
                assertThat(fraction).as("use of the allowance by " + token).isGreaterThanOrEqualTo(0.85);
                assertThat(firstWindow).as("use of the allowance by " + token + " in the first window").isGreaterThanOrEqualTo(0.93);
                assertThat(afterIt).as("use of the allowance by " + token + " after the first window").isGreaterThanOrEqualTo(0.92);
            });
            int formsPeak = calls.stream().filter(c -> c.company().equals("forms-org")).mapToInt(VendorCall::inFlight).max().orElse(0);
            assertThat(formsPeak).as("forms platform: 3 concurrent at most").isLessThanOrEqualTo(3);
            List<Long> crmPerIntegration = List.of(calls.stream().filter(c -> c.requestId().startsWith("import-")).count(),
                    calls.stream().filter(c -> c.requestId().startsWith("reports-")).count());
            List<Long> late = calls.stream().map(VendorCall::lateMs).filter(l -> l >= 0).sorted().toList();
            System.out.printf("ZeroRateLimitIT: arrival after slot opened: median %d ms, p99 %d ms, max %d ms; "
                            + "late arrivals the limiter corrected for: %d; results that reached it over 1 s after the answer: %d; "
                            + "deficits the limiter took from vendor headers as spent elsewhere (every rule and credential): %d%n",
                    late.get(late.size() / 2), late.get(late.size() * 99 / 100), late.get(late.size() - 1),
                    sandbox.tollgate().metrics().count("tollgate_late_arrivals_total", ""),
                    sandbox.tollgate().metrics().count("tollgate_slow_results_total", ""),
                    sandbox.tollgate().metrics().count("tollgate_untracked_units_total", ""));
            System.out.println("ZeroRateLimitIT: of which, by rule: " + sandbox.tollgate().metrics().registry()
                    .find("tollgate.untracked.units").counters().stream()
                    .map(c -> c.getId().getTag("rule") + "=" + (long) c.count()).sorted().toList());
            System.out.printf("ZeroRateLimitIT: %d calls in %d ms, 429s at the vendor: %d, lost: 0, twice: 0%n%s"
                            + "  forms-org  %d calls, most in flight at once %d (limit 3)%n"
                            + "  integrations sharing acme-main: bulk-import %d, reports %d%n",
                    calls.size(), elapsed, sandbox.vendor().rateLimited(), report, 30, formsPeak, crmPerIntegration.get(0), crmPerIntegration.get(1));
        }
    }

    private static final String WARM_UP = "warm-up-";

    /**
     * With {@code it.warmUp}, the measurement is of a running platform under saturation, not of a JVM's first
     * seconds, when the dispatcher opens its first connections and the limiter reads the burst in slowly. One
     * window's worth of calls on each token takes the whole path first; the burst starts once the vendor's
     * window has forgotten them.
     */
    private static void warmUp(Sandbox sandbox, KafkaProducer<String, SpecificRecord> producer, String topic) {
        List<ApiRequest> warmUp = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            warmUp.add(Traffic.pipedrive(WARM_UP + "main-" + i, "acme-main", AuthKind.API_TOKEN, "bulk-import", "GET", "/api/v2/deals/" + i));
            warmUp.add(Traffic.pipedrive(WARM_UP + "sync-" + i, "acme-sync", AuthKind.API_TOKEN, "crm-sync", "GET", "/api/v2/activities/" + i));
            warmUp.add(Traffic.pipedrive(WARM_UP + "oauth-" + i, "acme-oauth", AuthKind.OAUTH, "marketplace-app", "GET", "/api/v2/organizations/" + i));
        }
        warmUp.forEach(request -> producer.send(new ProducerRecord<>(topic, request.getAccount(), request)));
        producer.flush();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> sandbox.vendor().calls().size() >= warmUp.size());
        long lastArrival = sandbox.vendor().calls().stream().mapToLong(VendorCall::atMs).max().orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> System.currentTimeMillis() > lastArrival + 2_500);
    }

    private static List<VendorCall> measured(Sandbox sandbox) {
        return sandbox.vendor().calls().stream().filter(c -> !c.requestId().startsWith(WARM_UP)).toList();
    }
}
