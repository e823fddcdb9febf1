package io.tollgate.bench;

import io.tollgate.app.EmbeddedKafka;
import io.tollgate.app.TollgateApp;
import io.tollgate.app.TopicAdmin;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end latency: from a request's send to its dispatch record being readable by a read_committed
 * consumer (what the dispatcher sees), at a steady offered rate. Every call is admitted (the fast path), so
 * the latency is the limiter's path, not a wait for a limit. The first {@code --warmup} seconds are not counted.
 * {@code java -jar tollgate-bench.jar latency [--rate=2000] [--seconds=30] [--warmup=10] [--tollgate.<key>=<value>]}
 */
public final class LatencyBench {

    private LatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs parsed = BenchArgs.parse(args, Map.of("rate", "2000", "seconds", "30", "warmup", "10", "accounts", "1000",
                "partitions", "4"));
        Map<String, String> settings = parsed.tollgateSettings();
        int rate = parsed.number("rate");
        int seconds = parsed.number("seconds");
        int warmup = parsed.number("warmup");
        int accounts = parsed.number("accounts");
        Path work = Files.createTempDirectory("tollgate-latency");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0);
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, StreamsBench.TOPICS, parsed.number("partitions"), (short) 1);
            Path policy = StreamsBench.writePolicy(work, accounts);
            try (TollgateApp app = TollgateApp.start(StreamsBench.config(kafka.bootstrapServers(), registry.url(), work, policy,
                    "bench-latency", settings))) {
                app.awaitRunning(Duration.ofSeconds(60));
                measure(kafka.bootstrapServers(), registry.url(), rate, seconds, warmup, accounts);
                if (System.getenv("TOLLGATE_BENCH_METRICS") != null) {
                    // How long the limiter's commits take: the part of the way out that is not the commit interval.
                    app.streams().metrics().forEach((name, metric) -> {
                        if (name.group().equals("stream-thread-metrics") && name.name().startsWith("commit-latency")) {
                            System.out.println("  " + name.name() + " = " + metric.metricValue() + " ms");
                        }
                    });
                }
            }
        }
    }

    private static void measure(String bootstrap, String registryUrl, int rate, int seconds, int warmup, int accounts) throws Exception {
        int total = rate * seconds;
        long countFromMs = System.currentTimeMillis() + warmup * 1000L;
        List<long[]> latencies = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread reader = new Thread(() -> read(bootstrap, registryUrl, total, countFromMs, latencies, done), "latency-reader");
        reader.start();
        long start = System.nanoTime();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new AvroSerializer<>(new SchemaRegistryClient(registryUrl), true))) {
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                ApiRequest request = StreamsBench.request(i, accounts, Instant.now());
                producer.send(new ProducerRecord<>(StreamsBench.TOPICS.requests(), request.getAccount(), request));
            }
        }
        double offered = total / ((System.nanoTime() - start) / 1e9);
        reader.join(Duration.ofSeconds(60).toMillis());
        done.set(true);
        reader.join();
        List<Long> sorted;
        List<Long> toDecision;
        List<Long> toReadable;
        synchronized (latencies) {
            sorted = latencies.stream().map(l -> l[0] + l[1]).sorted().toList();
            toDecision = latencies.stream().map(l -> l[0]).sorted().toList();
            toReadable = latencies.stream().map(l -> l[1]).sorted().toList();
        }
        if (sorted.isEmpty()) {
            throw new IllegalStateException("no dispatch record was read");
        }
        if (System.getenv("TOLLGATE_BENCH_SECONDS") != null) {
            long first = BY_SECOND.keySet().iterator().next();
            BY_SECOND.forEach((second, values) -> System.out.printf("  second %3d: %5d dispatches, median %6d ms%n", second - first,
                    values.size(), values.stream().sorted().toList().get(values.size() / 2)));
        }
        System.out.printf("offered %.0f requests/s for %d s (%d requests); counted after %d s of warm-up: %d dispatches%n",
                offered, seconds, total, warmup, sorted.size());
        System.out.printf("%-10s %8s %8s %8s %8s%n", "latency", "p50", "p99", "p99.9", "max");
        System.out.printf("%-10s %8d %8d %8d %8d   ms, send to readable (read_committed)%n", "", percentile(sorted, 0.50),
                percentile(sorted, 0.99), percentile(sorted, 0.999), sorted.get(sorted.size() - 1));
        // The dispatched record's decided_at splits the path: the way in (the producer's batching, the limiter's fetch,
        // its queue of records), and the way out (the wait for the transaction's commit, the reader's fetch).
        System.out.printf("%-10s %8d %8d %8d %8d   ms, send to decision%n", "", percentile(toDecision, 0.50),
                percentile(toDecision, 0.99), percentile(toDecision, 0.999), toDecision.get(toDecision.size() - 1));
        System.out.printf("%-10s %8d %8d %8d %8d   ms, decision to readable%n", "", percentile(toReadable, 0.50),
                percentile(toReadable, 0.99), percentile(toReadable, 0.999), toReadable.get(toReadable.size() - 1));
    }

    /** Latency by the second the request was sent in, over the whole run (warm-up too): how the path settles. */
    static final Map<Long, List<Long>> BY_SECOND = new java.util.TreeMap<>();

    private static void read(String bootstrap, String registryUrl, int total, long countFromMs, List<long[]> latencies, AtomicBoolean done) {
        AvroDeserializer<DispatchedCall> calls = new AvroDeserializer<>(new SchemaRegistryClient(registryUrl), DispatchedCall.class);
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "latency-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int seen = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(StreamsBench.TOPICS.dispatch()));
            while (seen < total && !done.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    seen++;
                    DispatchedCall call = calls.deserialize(record.topic(), record.value());
                    long sentAt = call.getRequest().getSubmittedAt().toEpochMilli();
                    long decidedAt = call.getDecidedAt().toEpochMilli();
                    synchronized (BY_SECOND) {
                        BY_SECOND.computeIfAbsent(sentAt / 1000, k -> new ArrayList<>()).add(now - sentAt);
                    }
                    if (sentAt >= countFromMs) {
                        synchronized (latencies) {
                            latencies.add(new long[] {decidedAt - sentAt, now - decidedAt});
                        }
                    }
                }
            }
        }
    }

    private static long percentile(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
