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

        assertThat(config.string(TollgateConfig.TOPIC_PREFIX)).isEqualTo("file.");
        assertThat(config.longValue(TollgateConfig.DISPATCH_JITTER_MS)).isEqualTo(120);
        assertThat(config.intValue(TollgateConfig.REST_PORT)).isEqualTo(9100);
        assertThat(config.longValue(TollgateConfig.PUNCTUATION_INTERVAL_MS)).isEqualTo(20);
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
                .hasMessageContaining("punctuation.interval.ms");
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
        assertThat(TollgateConfig.load(new String[] {"--dispatch.jitter.ms=80", "--dispatch.send.margin.ms=30"}, Map.of())
                .longValue(TollgateConfig.DISPATCH_JITTER_MS)).isEqualTo(80);
    }
}
