package io.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TollgateConfigTest {

    @Test
    void shouldLayerDefaultsFileEnvironmentAndArguments(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("t.properties"), "topic.prefix=file.\ndispatch.jitter.ms=150\nrest.port=9000\n");

        TollgateConfig config = TollgateConfig.load(new String[] {"--config=" + file, "--rest.port=9100"},
                Map.of("TOLLGATE_DISPATCH_JITTER_MS", "120", "PATH", "/usr/bin"));

        assertThat(config.topics().prefix()).isEqualTo("file.");
        assertThat(config.dispatchJitterMs()).isEqualTo(120);
        assertThat(config.restPort()).isEqualTo(9100);
        assertThat(config.punctuationIntervalMs()).isEqualTo(20);
        assertThat(config.isDefault(TollgateConfig.PUNCTUATION_INTERVAL_MS)).isTrue();
        assertThat(config.isEmbedded()).isTrue();
    }

    @Test
    void shouldStopOnUnknownKeysAndBadValuesNamingWhereTheyCameFrom() {
        assertThatThrownBy(() -> TollgateConfig.load(new String[0], Map.of("TOLLGATE_DISPACH_JITTER_MS", "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'dispach.jitter.ms' (from environment TOLLGATE_DISPACH_JITTER_MS)");
        assertThatThrownBy(() -> TollgateConfig.load(new String[] {"--max.attempts=many"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max.attempts must be a whole number, got 'many' (from argument --max.attempts)");
        assertThatThrownBy(() -> TollgateConfig.load(new String[] {"--punctuation.interval.ms=5000"}, Map.of()))
                .hasMessage("Invalid value 5000 for configuration punctuation.interval.ms: must be between 1 and 1000: a longer "
                        + "interval would hold calls back long after the limit allows them (from argument --punctuation.interval.ms)");
        assertThatThrownBy(() -> TollgateConfig.load(new String[] {"bootstrap.servers"}, Map.of()))
                .hasMessageContaining("is not of the form --key=value");
    }

    @Test
    void shouldPassKafkaSettingsThroughAndHideSecretsWhenDescribed() {
        TollgateConfig config = TollgateConfig.load(new String[] {"--streams.sasl.jaas.config=secret-jaas",
            "--producer.linger.ms=7"}, Map.of());

        assertThat(config.withPrefix("producer.")).containsEntry("linger.ms", "7");
        assertThat(config.describe().get("streams.sasl.jaas.config")).startsWith("[hidden]").doesNotContain("secret-jaas");
        assertThat(config.describe().get("producer.linger.ms")).startsWith("7");
    }

    @Test
    void shouldRefuseSettingsUnderWhichNoCallCouldBeSentInTime() {
        assertThatThrownBy(() -> TollgateConfig.load(new String[] {"--dispatch.jitter.ms=0"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dispatch.jitter.ms (0, from argument --dispatch.jitter.ms) must be above the dispatcher's "
                        + "dispatch.send.margin.ms (50)");
        assertThatThrownBy(() -> TollgateConfig.load(new String[] {"--commit.interval.ms=500"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("commit.interval.ms (500, from argument --commit.interval.ms) must be below dispatch.lead.ms (300)");
        assertThatThrownBy(() -> TollgateConfig.load(new String[] {"--rocksdb.memory.bytes=33554432"}, Map.of("TOLLGATE_ROCKSDB_MEMTABLE_BYTES",
                "33554432")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rocksdb.memtable.bytes (33554432, from environment TOLLGATE_ROCKSDB_MEMTABLE_BYTES) must be below "
                        + "rocksdb.memory.bytes (33554432, from argument --rocksdb.memory.bytes)");
        assertThat(TollgateConfig.load(new String[] {"--dispatch.jitter.ms=80", "--dispatch.send.margin.ms=30"}, Map.of())
                .dispatchJitterMs()).isEqualTo(80);
    }

    @Test
    void shouldRefuseValuesOutsideTheirRangeNamingTheKeyAndItsOrigin() {
        assertThatThrownBy(() -> TollgateConfig.load(new String[0], Map.of("TOLLGATE_TOPIC_PARTITIONS", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 0 for configuration topic.partitions: Value must be at least 1"
                        + " (from environment TOLLGATE_TOPIC_PARTITIONS)");
        assertThatThrownBy(() -> TollgateConfig.load(new String[] {"--processing.guarantee=exactly_once"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("processing.guarantee: String must be one of: exactly_once_v2, at_least_once")
                .hasMessageContaining("(from argument --processing.guarantee)");
        assertThatThrownBy(() -> TollgateConfig.load(new String[] {"--rest.advertised.address=no-port"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rest.advertised.address").hasMessageContaining("must be host:port");
    }

    @Test
    void shouldRequireARegistryWithAnExternalBrokerWhenTheConfigurationIsBuilt() {
        assertThatThrownBy(() -> TollgateConfig.defaultsWith(Map.of(TollgateConfig.BOOTSTRAP_SERVERS, "broker:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("schema.registry.url is required with an external broker (bootstrap.servers from override)");
        assertThat(TollgateConfig.defaultsWith(Map.of(TollgateConfig.BOOTSTRAP_SERVERS, "broker:9092",
                TollgateConfig.SCHEMA_REGISTRY_URL, "http://registry:8081")).isEmbedded()).isFalse();
    }

    @Test
    void shouldGiveTypedValuesAndHideTheRestToken() {
        TollgateConfig config = TollgateConfig.defaultsWith(Map.of(TollgateConfig.REST_AUTH_TOKEN, "tok-3f9a",
                TollgateConfig.TOPIC_REPLICATION, "3", TollgateConfig.POLICY_FILE, "classpath:presets/demo.yaml"));

        assertThat(config.restAuthToken()).isEqualTo("tok-3f9a");
        assertThat(config.describe().get(TollgateConfig.REST_AUTH_TOKEN)).startsWith("[hidden]").doesNotContain("tok-3f9a");
        assertThat(config.topicReplicationFactor()).isEqualTo((short) 3);
        assertThat(config.policyFile()).contains("classpath:presets/demo.yaml");
        assertThat(config.limiterSettings().jitterMs()).isEqualTo(100);
        assertThat(config.topologySettings(6).partitions()).isEqualTo(6);
        assertThat(config.topologySettings(6).leadMs()).isEqualTo(300);
        assertThat(TollgateConfig.defaultsWith(Map.of()).policyFile()).isEmpty();
    }
}
