package io.tollgate.bench;

import io.tollgate.app.BoundedRocksDbMemory;
import io.tollgate.app.EmbeddedKafka;
import io.tollgate.app.TollgateApp;
import io.tollgate.app.TopicAdmin;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroSerializer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Memory as keys grow: the limiter's heap after a full GC, the RocksDB stores' memory (block cache and
 * write buffers, bounded by {@code rocksdb.memory.bytes}) and their size on disk, after 10 thousand,
 * 100 thousand and {@code --keys} distinct credentials (each a counter kept for the day, and a call in
 * the ledger), then after as many calls waiting in one account's queue (a daily quota of one call, a
 * maximum wait of two days). One app, one embedded broker, the default settings.
 */
public final class ScaleBench {

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs parsed = BenchArgs.parse(args, Map.of("keys", "1000000", "partitions", "4"));
        int keys = parsed.number("keys");
        Path work = Files.createTempDirectory("tollgate-scale");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0);
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, StreamsBench.TOPICS, parsed.number("partitions"), (short) 1);
            Path policy = Files.writeString(work.resolve("scale-policy.yaml"), """
                    policies:
                      - id: per-credential
                        rules: [{id: daily, key: credential, dailyQuota: {limit: 1000000}}]
                      - id: trickle
                        rules: [{id: daily, key: account, dailyQuota: {limit: 1}}]
                        maxWait: 48h
                    accounts:
                    """ + Stream.iterate(0, a -> a + 1).limit(1000).map(a -> "  - {id: acct-" + a + ", policy: per-credential}\n")
                    .collect(Collectors.joining()) + "  - {id: backlog, policy: trickle}\n");
            String appId = "tollgate-scale";
            try (TollgateApp app = TollgateApp.start(StreamsBench.config(kafka.bootstrapServers(), registry.url(), work, policy, appId,
                    parsed.tollgateSettings()));
                 KafkaProducer<String, SpecificRecord> producer = producer(kafka.bootstrapServers(), registry.url())) {
                Path state = work.resolve(appId);
                System.out.printf("%-34s %12s %14s %14s %14s%n", "after", "heap (MB)", "RocksDB (MB)", "on disk (MB)", "seconds");
                Instant now = Instant.now();
                int sent = 0;
                for (int target : steps(keys)) {
                    long start = System.nanoTime();
                    sent = send(producer, sent, target, i -> distinctCredential(i, now));
                    awaitProcessed(admin, appId);
                    report(String.format("%,d distinct credentials", target), state, start);
                }
                int queued = 0;
                for (int target : steps(keys)) {
                    long start = System.nanoTime();
                    queued = send(producer, queued, target, i -> waiting(i, now));
                    awaitProcessed(admin, appId);
                    report(String.format("%,d calls waiting", target - 1), state, start);
                }
            }
        }
    }

    private static List<Integer> steps(int keys) {
        return Stream.of(10_000, 100_000, keys).filter(n -> n <= keys).distinct().toList();
    }

    private static ApiRequest distinctCredential(int i, Instant now) {
        return request("acct-" + (i % 1000), "scale-" + i, "token-" + i, now);
    }

    private static ApiRequest waiting(int i, Instant now) {
        return request("backlog", "backlog-" + i, "backlog-token", now);
    }

    private static ApiRequest request(String account, String id, String credential, Instant now) {
        return ApiRequest.newBuilder().setRequestId(id).setAccount(account).setCredentialRef(credential).setAuthKind(AuthKind.API_TOKEN)
                .setIntegration("scale").setMethod("GET").setPath("/api/v2/deals").setApiVersion("v2").setHeaders(new HashMap<>())
                .setSubmittedAt(now).build();
    }

    private static KafkaProducer<String, SpecificRecord> producer(String bootstrap, String registryUrl) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new AvroSerializer<>(new SchemaRegistryClient(registryUrl), true));
    }

    private static int send(KafkaProducer<String, SpecificRecord> producer, int from, int to, IntFunction<ApiRequest> request) {
        for (int i = from; i < to; i++) {
            ApiRequest r = request.apply(i);
            producer.send(new ProducerRecord<>(StreamsBench.TOPICS.requests(), r.getAccount(), r));
        }
        producer.flush();
        return to;
    }

    /** Waits until the app has committed every request sent so far. */
    private static void awaitProcessed(Admin admin, String appId) throws Exception {
        GroupProgress progress = GroupProgress.of(admin, appId, StreamsBench.TOPICS.requests());
        long end = progress.end();
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (progress.committed() < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the requests were not processed within 30 minutes");
            }
            Thread.sleep(200);
        }
    }

    private static void report(String after, Path state, long startNanos) throws IOException {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long disk;
        try (Stream<Path> files = Files.walk(state)) {
            disk = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("%-34s %12d %14d %14d %14.0f%n", after, heap >> 20, BoundedRocksDbMemory.usageBytes() >> 20, disk >> 20,
                (System.nanoTime() - startNanos) / 1e9);
    }
}
