package io.tollgate.it;

import io.tollgate.app.EmbeddedKafka;
import io.tollgate.app.TollgateApp;
import io.tollgate.config.TollgateConfig;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One real broker and registry per test class; each test starts its own Tollgate with a prefix of its own. */
abstract class TollgateITBase {

    static EmbeddedKafka kafka;
    static InProcessSchemaRegistry registry;
    static Path work;

    @BeforeAll
    static void startInfrastructure() throws Exception {
        // A stream thread that fails is replaced by Kafka Streams; that is not a failure of the test that waits.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        kafka = EmbeddedKafka.start();
        registry = InProcessSchemaRegistry.start(0);
        work = Files.createTempDirectory("tollgate-it");
    }

    @AfterAll
    static void stopInfrastructure() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Starts Tollgate against the shared broker with a policy file and settings of the test's own. */
    static TollgateApp startTollgate(String name, String policyYaml, Map<String, String> settings) throws Exception {
        Path policy = Files.writeString(work.resolve(name + ".yaml"), policyYaml);
        Map<String, String> config = new HashMap<>();
        config.put(TollgateConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.put(TollgateConfig.SCHEMA_REGISTRY_URL, registry.url());
        config.put(TollgateConfig.TOPIC_PREFIX, name + ".");
        config.put(TollgateConfig.TOPIC_PARTITIONS, "2");
        config.put(TollgateConfig.APPLICATION_ID, "tollgate-" + name);
        config.put(TollgateConfig.STATE_DIR, work.resolve("state-" + name).toString());
        config.put(TollgateConfig.POLICY_FILE, policy.toString());
        config.put(TollgateConfig.REST_PORT, "0");
        // No dispatcher here, so no results: windows are reused without waiting for them.
        config.put(TollgateConfig.RESULT_WAIT_MS, "0");
        config.putAll(settings);
        TollgateApp app = TollgateApp.start(TollgateConfig.defaultsWith(config));
        app.awaitRunning(Duration.ofSeconds(60));
        return app;
    }
}
