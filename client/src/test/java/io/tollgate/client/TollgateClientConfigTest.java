package io.tollgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TollgateClientConfigTest {

    @Test
    void shouldPassKafkasOwnSettingsThroughAndKeepItsOwn() {
        TollgateClientConfig config = new TollgateClientConfig(Map.of("bootstrap.servers", "a:1,b:2", "schema.registry.url", "http://r",
                "security.protocol", "SASL_SSL", "topic.prefix", "tg."));
        assertThat(config.kafkaSettings()).containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", List.of("a:1", "b:2"))
                .doesNotContainKeys("schema.registry.url", "topic.prefix", "outcome.timeout.ms");
        assertThat(config.topic("results")).isEqualTo("tg.results");
    }

    @Test
    void shouldRefuseMissingOrOutOfRangeSettingsByName() {
        assertThatThrownBy(() -> new TollgateClientConfig(Map.of("bootstrap.servers", "a:1"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new TollgateClientConfig(Map.of("bootstrap.servers", "a:1", "schema.registry.url", "http://r",
                "outcome.timeout.ms", "0"))).isInstanceOf(ConfigException.class).hasMessageContaining("outcome.timeout.ms");
    }
}
