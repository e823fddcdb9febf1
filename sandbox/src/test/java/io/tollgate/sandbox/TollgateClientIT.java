package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.client.Outcome;
import io.tollgate.client.TollgateClient;
import io.tollgate.config.TollgateConfig;
import io.tollgate.limiter.RejectReason;
import io.tollgate.sandbox.vendor.VendorCall;
import io.tollgate.schemas.request.InvalidRequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against the whole path (limiter, Connect worker, simulated vendor): every submitted call's
 * future completes once, with the outcome of that call, and a bad request fails before it is sent.
 */
class TollgateClientIT {

    private static final int CALLS = 3000;
    private static final int UNKNOWN_ACCOUNT_CALLS = 300;
    private static final int SUBMITTERS = 8;

    @TempDir
    static Path dir;
    private static Sandbox sandbox;
    private static TollgateClient client;

    @BeforeAll
    static void start() throws Exception {
        // Three connections at a time and a short maximum wait: some calls go, the others are refused at their
        // deadline; both kinds of outcome come back within seconds.
        Path policies = Files.writeString(dir.resolve("client-test.yaml"), """
                policies:
                  - id: client-test
                    maxWait: 4s
                    rules:
                      - {id: concurrent-connections, key: account, concurrency: {limit: 3, lease: 60s}}
                accounts:
                  - {id: forms-org, policy: client-test}
                """);
        sandbox = Sandbox.start(Map.of(TollgateConfig.REST_PORT, "0", TollgateConfig.POLICY_FILE, policies.toString()), Map.of(), 20);
        client = TollgateClient.connect(Map.of("bootstrap.servers", sandbox.bootstrapServers(),
                "schema.registry.url", sandbox.registryUrl(), "outcome.timeout.ms", "90000"));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void shouldCompleteEveryFutureOnceWithItsOwnCallsOutcomeUnderThousandsOfConcurrentSubmits() throws Exception {
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        List<CompletableFuture<Outcome>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        try {
            for (int s = 0; s < SUBMITTERS; s++) {
                int submitter = s;
                submitters.execute(() -> {
                    for (int i = submitter; i < CALLS + UNKNOWN_ACCOUNT_CALLS; i += SUBMITTERS) {
                        String account = i < CALLS ? "forms-org" : "no-such-org";
                        ApiRequest call = TollgateClient.request(account, "forms/forms-org", AuthKind.API_TOKEN)
                                .requestId("bulk-" + i).integration("client-it").vendor("forms").get("/api/files/" + i).build();
                        // The stage after the bookkeeping is what the test waits for: a future's own dependents run
                        // last registered first, so waiting for the future itself can see its bookkeeping not yet done.
                        futures.add(client.submit(call).whenComplete((outcome, failure) -> {
                            completions.computeIfAbsent(call.getRequestId(), id -> new AtomicInteger()).incrementAndGet();
                            if (outcome != null) {
                                outcomes.put(call.getRequestId(), outcome);
                            }
                        }));
                    }
                });
            }
        } finally {
            submitters.shutdown();
            assertThat(submitters.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        assertThat(futures).hasSize(CALLS + UNKNOWN_ACCOUNT_CALLS);
        assertThat(completions).hasSize(CALLS + UNKNOWN_ACCOUNT_CALLS).allSatisfy((id, n) -> assertThat(n.get()).as(id).isEqualTo(1));
        assertThat(outcomes).allSatisfy((id, outcome) -> assertThat(outcome.requestId()).isEqualTo(id));
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.waiting()).as("calls the client still holds").isZero());

        Map<Boolean, List<Outcome>> byKind = outcomes.values().stream().collect(Collectors.partitioningBy(o -> o instanceof Outcome.Dispatched));
        List<Outcome> dispatched = byKind.get(true);
        Set<String> atVendor = sandbox.vendor().calls().stream().filter(c -> c.requestId().startsWith("bulk-"))
                .map(VendorCall::requestId).collect(Collectors.toSet());
        assertThat(dispatched).as("calls that went").isNotEmpty().allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        assertThat(dispatched.stream().map(Outcome::requestId).collect(Collectors.toSet())).as("dispatched outcomes are the vendor's calls")
                .isEqualTo(atVendor);
        Map<String, Long> reasons = byKind.get(false).stream()
                .collect(Collectors.groupingBy(o -> ((Outcome.Rejected) o).reason(), Collectors.counting()));
        assertThat(reasons).containsEntry(RejectReason.UNKNOWN_ACCOUNT.name(), (long) UNKNOWN_ACCOUNT_CALLS);
        assertThat(reasons.keySet()).containsOnly(RejectReason.UNKNOWN_ACCOUNT.name(), RejectReason.WAIT_EXCEEDS_MAX.name());
        System.out.printf("TollgateClientIT: %d futures completed once each: %d dispatched, rejected %s%n",
                outcomes.size(), dispatched.size(), reasons);
    }

    @Test
    void shouldFailABadRequestAtOnceWithTheIntakesReason() {
        ApiRequest leaking = TollgateClient.request("forms-org", "forms/forms-org", AuthKind.API_TOKEN).integration("client-it")
                .get("/api/files/1").build();
        leaking.getHeaders().put("Authorization", "Bearer s3cret");
        CompletableFuture<Outcome> refused = client.submit(leaking);
        assertThat(refused).isCompletedExceptionally();
        assertThat(reason(refused)).isEqualTo(RejectReason.SECRET_IN_REQUEST);

        ApiRequest noAccount = TollgateClient.request("forms-org", "forms/forms-org", AuthKind.API_TOKEN).integration("client-it")
                .get("/api/files/2").build();
        noAccount.setAccount(null);
        CompletableFuture<Outcome> invalid = client.submit(noAccount);
        assertThat(invalid).isCompletedExceptionally();
        assertThat(reason(invalid)).isEqualTo(RejectReason.INVALID_REQUEST);

        // The limiter would refuse it without its ids, so that no outcome could ever be matched: refused here.
        ApiRequest huge = TollgateClient.request("forms-org", "forms/forms-org", AuthKind.API_TOKEN).integration("client-it")
                .post("/api/datasources", new byte[300_000]).build();
        CompletableFuture<Outcome> oversized = client.submit(huge);
        assertThat(oversized).isCompletedExceptionally();
        assertThat(reason(oversized)).isEqualTo(RejectReason.OVERSIZED);
        assertThat(client.waiting()).as("nothing held for calls that were never sent").isZero();
    }

    @Test
    void shouldRefuseASecondSubmitOfAWaitingCallAndReportAResubmittedOneAsADuplicate() throws Exception {
        ApiRequest call = TollgateClient.request("forms-org", "forms/forms-org", AuthKind.API_TOKEN).requestId("client-twice")
                .integration("client-it").vendor("forms").get("/api/files/twice").build();
        CompletableFuture<Outcome> first = client.submit(call);
        CompletableFuture<Outcome> again = client.submit(call);
        assertThat(again).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IllegalStateException.class).withMessageContaining("already waiting");
        assertThat(first.get(60, TimeUnit.SECONDS).requestId()).isEqualTo("client-twice");

        ApiRequest resent = TollgateClient.request("forms-org", "forms/forms-org", AuthKind.API_TOKEN).requestId("client-twice")
                .integration("client-it").vendor("forms").get("/api/files/twice").build();
        Outcome duplicate = client.submit(resent).get(60, TimeUnit.SECONDS);
        assertThat(duplicate).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.DUPLICATE_REQUEST.name()));
    }

    @Test
    void shouldReadPastRecordsOnTheOutcomeTopicsThatAreNotOutcomes() throws Exception {
        // Submitted first, so that the client is waiting (and reads every record) while the garbage arrives.
        ApiRequest call = TollgateClient.request("forms-org", "forms/forms-org", AuthKind.API_TOKEN).requestId("client-after-garbage")
                .integration("client-it").vendor("forms").get("/api/files/after-garbage").build();
        CompletableFuture<Outcome> outcome = client.submit(call);
        java.util.Random random = new java.util.Random(15);
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> hostile = new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.of("bootstrap.servers", sandbox.bootstrapServers()), new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (String topic : List.of(sandbox.tollgate().config().topics().results(), sandbox.tollgate().config().topics().rejected())) {
                for (int i = 0; i < 20; i++) {
                    byte[] bytes = new byte[random.nextInt(64)];
                    random.nextBytes(bytes);
                    if (i % 2 == 0 && bytes.length > 5) {
                        bytes[0] = 0; // Confluent's magic byte, then a schema id nobody registered
                    }
                    hostile.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "forms-org".getBytes(), bytes));
                }
            }
            hostile.flush();
        }
        assertThat(outcome.get(60, TimeUnit.SECONDS).requestId()).isEqualTo("client-after-garbage");
    }

    private static RejectReason reason(CompletableFuture<Outcome> failed) {
        try {
            failed.get(1, TimeUnit.SECONDS);
            throw new AssertionError("the future did not fail");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(InvalidRequestException.class);
            return ((InvalidRequestException) e.getCause()).code();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
