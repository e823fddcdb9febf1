package io.tollgate.sandbox;

import io.tollgate.app.BoundedShutdown;
import io.tollgate.app.EmbeddedKafka;
import io.tollgate.app.TollgateApp;
import io.tollgate.config.ConfigException;
import io.tollgate.config.TollgateConfig;
import io.tollgate.policy.PolicyException;
import io.tollgate.sandbox.vendor.SimulatedVendor;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Tollgate whole, on one machine and without Docker: an embedded KRaft broker, the in-process schema
 * registry, the limiter, a Kafka Connect worker running the HTTP dispatch connector, and a simulated
 * vendor enforcing Pipedrive's and the forms platform's published limits. Accounts and credentials are
 * those of {@link SandboxAccounts} and {@code presets/demo.yaml}.
 *
 * <p>By default it is a throwaway: everything is deleted when it stops. Given a data directory, the
 * broker's log, the registry's schemas (in the broker's {@code _schemas} topic) and the Streams state
 * are kept there, so a restart finds every counter where it was.
 */
public final class Sandbox implements AutoCloseable {

    public static final String CONNECTOR = "tollgate-dispatch";

    private final Path work;
    private final Path stateDir;
    private final EmbeddedKafka kafka;
    private final InProcessSchemaRegistry registry;
    private final SimulatedVendor vendor;
    private final TollgateApp app;
    private final ConnectWorker connect;

    private Sandbox(Path work, Path stateDir, EmbeddedKafka kafka, InProcessSchemaRegistry registry, SimulatedVendor vendor, TollgateApp app,
                    ConnectWorker connect) {
        this.work = work;
        this.stateDir = stateDir;
        this.kafka = kafka;
        this.registry = registry;
        this.vendor = vendor;
        this.app = app;
        this.connect = connect;
    }

    /**
     * Starts everything.
     *
     * @param tollgate Tollgate settings (rest.port, dispatch.lead.ms...) over the sandbox's defaults
     * @param connector dispatch connector settings over the sandbox's defaults
     */
    public static Sandbox start(Map<String, String> tollgate, Map<String, String> connector, long vendorLatencyMs) throws Exception {
        return start(tollgate, connector, vendorLatencyMs, SandboxAccounts.COMPANIES);
    }

    /** Starts everything, with the vendor knowing {@code companies} (the sandbox's, with other limits). */
    public static Sandbox start(Map<String, String> tollgate, Map<String, String> connector, long vendorLatencyMs,
                                java.util.List<SimulatedVendor.Company> companies) throws Exception {
        return start(tollgate, connector, vendorLatencyMs, companies, null);
    }

    /**
     * Starts everything; with a {@code dataDir} (null for a throwaway), the broker's log, the registry's schemas
     * and the Streams state are kept there across restarts.
     */
    public static Sandbox start(Map<String, String> tollgate, Map<String, String> connector, long vendorLatencyMs,
                                java.util.List<SimulatedVendor.Company> companies, Path dataDir) throws Exception {
        SimulatedVendor.prepareJvm();
        Path work = Files.createTempDirectory("tollgate-sandbox");
        Path stateDir = dataDir == null ? work.resolve("state") : dataDir.resolve("state");
        EmbeddedKafka kafka = null;
        InProcessSchemaRegistry registry = null;
        SimulatedVendor vendor = null;
        TollgateApp app = null;
        try {
            kafka = dataDir == null ? EmbeddedKafka.start() : EmbeddedKafka.startPersistent(dataDir);
            registry = dataDir == null ? InProcessSchemaRegistry.start(0)
                    : InProcessSchemaRegistry.start(0, Map.of("bootstrap.servers", kafka.bootstrapServers()));
            vendor = SandboxAccounts.startVendor(companies, vendorLatencyMs);
            Map<String, String> config = new HashMap<>();
            config.put(TollgateConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            config.put(TollgateConfig.SCHEMA_REGISTRY_URL, registry.url());
            config.put(TollgateConfig.POLICY_FILE, "classpath:presets/demo.yaml");
            config.put(TollgateConfig.STATE_DIR, stateDir.toString());
            // One instance on its own broker: there is nowhere to put a standby (and Streams would warn about it).
            config.put(TollgateConfig.STANDBY_REPLICAS, "0");
            config.putAll(tollgate);
            app = TollgateApp.start(TollgateConfig.defaultsWith(config));
            app.awaitRunning(Duration.ofSeconds(60));

            String prefix = app.config().topics().prefix();
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                // The dispatcher's dead letter queue, made here so that Connect does not report it missing.
                admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(prefix + "dispatch-dlq", 1, (short) 1)))
                        .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                    throw e;
                }
            }
            ConnectWorker connect = ConnectWorker.start(kafka.bootstrapServers(), "sandbox");
            Map<String, String> dispatch = new LinkedHashMap<>();
            dispatch.put("connector.class", "io.tollgate.connect.HttpDispatchSinkConnector");
            dispatch.put("tasks.max", "1");
            dispatch.put("topics", app.config().topics().dispatch());
            dispatch.put("http.base.url", vendor.url());
            dispatch.put("http.vendor.urls", "pipedrive=" + vendor.url() + ",forms=" + vendor.url());
            dispatch.put("credentials.provider.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
            dispatch.put("credentials.provider.path", SandboxAccounts.writeCredentials(work).toString());
            dispatch.put("results.topic", app.config().topics().results());
            dispatch.put("results.bootstrap.servers", kafka.bootstrapServers());
            dispatch.put("handoff.topic", prefix + "dispatch-handoff");
            dispatch.put("schema.registry.url", registry.url());
            dispatch.put("errors.tolerance", "all");
            dispatch.put("errors.deadletterqueue.topic.name", prefix + "dispatch-dlq");
            dispatch.put("errors.deadletterqueue.topic.replication.factor", "1");
            // The same margin the limiter's configuration was checked against (dispatch.jitter.ms must exceed it).
            dispatch.put("dispatch.send.margin.ms", String.valueOf(app.config().dispatchSendMarginMs()));
            dispatch.putAll(connector);
            DispatcherReadiness ready = DispatcherReadiness.before(kafka.bootstrapServers(), dispatch.get("handoff.topic"));
            connect.putConnector(CONNECTOR, dispatch, Duration.ofSeconds(60));
            ready.await(app.config().topics().dispatch(), Duration.ofSeconds(60));
            return new Sandbox(work, stateDir, kafka, registry, vendor, app, connect);
        } catch (Exception | Error e) {
            if (app != null) {
                app.close();
            }
            if (vendor != null) {
                vendor.close();
            }
            if (registry != null) {
                registry.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            delete(work);
            throw e;
        }
    }

    public TollgateApp tollgate() {
        return app;
    }

    public SimulatedVendor vendor() {
        return vendor;
    }

    public ConnectWorker connect() {
        return connect;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Where the broker keeps every topic's data. */
    public Path brokerLogDir() {
        return kafka.logDir();
    }

    /** Tollgate's Kafka Streams state directory. */
    public Path stateDir() {
        return stateDir;
    }

    /** Whether the data outlives this run (a data directory was given). */
    public boolean persistent() {
        return kafka.persistent();
    }

    public String registryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        connect.close();
        app.close();
        vendor.close();
        registry.close();
        kafka.close();
        delete(work);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // best effort: a temporary directory
        }
    }

    /** The {@code ./tollgate} argument that keeps the data in a directory instead of throwing it away at exit. */
    static final String DATA_DIR = "data.dir";

    /**
     * {@code ./tollgate}: {@code --demo} sends some traffic; {@code --data.dir=DIR} keeps the data in DIR across
     * restarts; other {@code --key=value} arguments configure Tollgate.
     */
    public static void main(String[] args) throws Exception {
        boolean demo = false;
        Map<String, String> settings = new HashMap<>();
        settings.put(TollgateConfig.REST_PORT, "8080");
        for (String arg : args) {
            if (arg.equals("--demo")) {
                demo = true;
            } else if (arg.startsWith("--") && arg.contains("=")) {
                settings.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                System.err.println("usage: ./tollgate [--demo] [--data.dir=DIR] [--key=value ...]   (keys: see README, Configuration)");
                System.exit(2);
            }
        }
        System.out.println("Tollgate: starting an embedded Kafka broker, schema registry, the limiter, a Connect worker and a simulated vendor...");
        // Relative to where ./tollgate was run, not to the directory the script runs Java from.
        String caller = System.getProperty("tollgate.caller.dir", "");
        Path dataDir = settings.containsKey(DATA_DIR) ? Path.of(caller).resolve(settings.remove(DATA_DIR)).toAbsolutePath() : null;
        Sandbox sandbox;
        try {
            if (dataDir != null) {
                Files.createDirectories(dataDir);
            }
            sandbox = start(settings, Map.of(), 20, SandboxAccounts.COMPANIES, dataDir);
        } catch (ConfigException | PolicyException e) {
            System.err.println("Tollgate: " + e.getMessage());
            System.exit(2);
            return;
        } catch (java.io.IOException | IllegalStateException e) {
            System.err.println("Tollgate: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        BoundedShutdown.onExit("Tollgate", sandbox.tollgate().config().shutdownTimeout(), () -> {
            sandbox.close();
            stopped.countDown();
        });
        io.tollgate.cli.SandboxEndpoints.record(sandbox.bootstrapServers(), sandbox.registryUrl(), sandbox.tollgate().config().topics().prefix());
        System.out.println(SandboxReport.banner(sandbox));
        DemoTraffic traffic = demo ? DemoTraffic.start(sandbox) : null;
        SandboxReport.every(Duration.ofSeconds(5), sandbox, traffic);
        stopped.await();
    }
}
