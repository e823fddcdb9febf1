package io.tollgate.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) in this JVM, listening on
 * 127.0.0.1 only, for the embedded default and the integration tests. Its log directory is a
 * temporary directory deleted on close, or, started with {@link #startPersistent}, a directory kept
 * with its settings (ports included) from one start to the next. (Kafka's own test kit binds every
 * interface, hence this.)
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private KafkaRaftServer server;
    private final Properties props;
    private final Path logDir;
    private final boolean persistent;
    private final String bootstrapServers;
    private final String saslBootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, Properties props, Path logDir, boolean persistent, String bootstrapServers,
                          String saslBootstrapServers) {
        this.server = server;
        this.props = props;
        this.logDir = logDir;
        this.persistent = persistent;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
    }

    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /** Starts a broker; {@code overrides} are broker settings for special tests. */
    public static EmbeddedKafka start(Map<String, String> overrides) {
        return start(overrides, Map.of());
    }

    /**
     * Starts a broker that also listens with SASL/PLAIN for {@code saslUsers} (user name to password), so
     * that clients configured with Kafka's security settings can be tried against it.
     */
    public static EmbeddedKafka start(Map<String, String> overrides, Map<String, String> saslUsers) {
        Path logDir = null;
        try {
            logDir = Files.createTempDirectory("tollgate-kafka");
            int saslPort = saslUsers.isEmpty() ? 0 : freePort();
            Properties props = settings(logDir, freePort(), freePort(), saslPort, saslUsers);
            props.putAll(overrides);
            return launch(props, logDir, false);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(logDir);
            throw new IllegalStateException("Cannot start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a broker whose data stays in {@code dataDir} after it stops: its log in {@code dataDir/kafka}, and
     * its settings in {@code dataDir/broker.properties}, written on the first start and read on every later
     * one, so that it comes back on the same ports with the same cluster.
     */
    public static EmbeddedKafka startPersistent(Path dataDir) {
        Path logDir = dataDir.resolve("kafka");
        Path settingsFile = dataDir.resolve("broker.properties");
        try {
            Properties props = new Properties();
            boolean first = !Files.exists(settingsFile);
            if (first) {
                Files.createDirectories(logDir);
                props = settings(logDir, freePort(), freePort(), 0, Map.of());
            } else {
                try (var in = Files.newBufferedReader(settingsFile)) {
                    props.load(in);
                }
                // The directory may have moved since: the log is where it is now.
                props.put("log.dirs", logDir.toString());
            }
            EmbeddedKafka kafka = launch(props, logDir, true);
            if (first) {
                // Kept once the broker runs on them: ports that were taken at the first start are not kept.
                try (Writer out = Files.newBufferedWriter(settingsFile)) {
                    props.store(out, "the embedded broker of this data directory: read again at each start");
                }
            }
            return kafka;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot start the embedded Kafka broker on " + logDir + " (with the settings and ports of "
                    + settingsFile + "; is another Tollgate using this directory, or have its ports been taken?): " + e.getMessage(), e);
        }
    }

    private static Properties settings(Path logDir, int brokerPort, int controllerPort, int saslPort, Map<String, String> saslUsers) {
        String sasl = saslUsers.isEmpty() ? "" : ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + sasl + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + sasl);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
        if (!saslUsers.isEmpty()) {
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
            props.put("sasl.enabled.mechanisms", "PLAIN");
            props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        }
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // A transaction left open by a process that died is aborted when this check finds it past its timeout:
        // every second rather than every ten, so that its partitions are readable again soon after.
        props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        props.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        return props;
    }

    private static EmbeddedKafka launch(Properties props, Path logDir, boolean persistent) throws IOException {
        KafkaRaftServer server = null;
        try {
            // A directory formatted before (a persistent one, started again) keeps its cluster id.
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(props, logDir);
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            String advertised = props.getProperty("advertised.listeners");
            String bootstrap = advertised.substring("PLAINTEXT://".length()).split(",")[0];
            awaitReady(bootstrap);
            LOG.info("Embedded Kafka broker (KRaft) ready at {}", bootstrap);
            int sasl = advertised.indexOf("SASL_PLAINTEXT://");
            return new EmbeddedKafka(server, props, logDir, persistent, bootstrap,
                    sasl < 0 ? null : advertised.substring(sasl + "SASL_PLAINTEXT://".length()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(server);
            throw new IllegalStateException("interrupted while starting the broker", e);
        } catch (IOException | RuntimeException e) {
            shutdown(server);
            throw e;
        }
    }

    private static void shutdown(KafkaRaftServer server) {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's log directory: every topic's data, as files. */
    public Path logDir() {
        return logDir;
    }

    /** The SASL_PLAINTEXT listener, when the broker was started with SASL users; else null. */
    public String saslBootstrapServers() {
        return saslBootstrapServers;
    }

    /** Stops the broker and keeps its log directory, as a broker that goes down for maintenance does. */
    public synchronized void stopBroker() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the broker again on the same log directory and ports. */
    public synchronized void startBroker() throws InterruptedException {
        if (server == null) {
            server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            awaitReady(bootstrapServers);
        }
    }

    /** Whether the broker's data outlives it ({@link #startPersistent}). */
    public boolean persistent() {
        return persistent;
    }

    @Override
    public void close() {
        try {
            stopBroker();
        } finally {
            if (!persistent) {
                deleteQuietly(logDir);
            }
        }
    }

    private static void format(Properties props, Path logDir) throws IOException {
        Path config = logDir.resolveSibling(logDir.getFileName() + ".properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "embedded Kafka");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            int status = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(),
                "--standalone", "--ignore-formatted"}, print);
            if (status != 0) {
                throw new IllegalStateException("formatting the log directory failed: " + output.toString(StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(config);
        }
    }

    private static void awaitReady(String bootstrap) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("broker at " + bootstrap + " not ready within " + READY_TIMEOUT, last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            LOG.debug("Could not delete {}: {}", dir, e.toString());
        }
    }
}
