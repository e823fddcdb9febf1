package io.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.TollgateConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The settings every Kafka client of Tollgate is made with: security given once reaches all; fail-over defaults stay overridable. */
class ClientSettingsTest {

    private static final Map<String, String> SECURED = Map.of(
            TollgateConfig.BOOTSTRAP_SERVERS, "broker:9093",
            TollgateConfig.SCHEMA_REGISTRY_URL, "http://registry:8081",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"t\" password=\"p\";",
            "ssl.truststore.location", "/etc/kafka/truststore.jks");

    @Test
    void shouldGiveKafkaSecuritySettingsToKafkaStreamsAndTheSeedingProducer() {
        TollgateConfig config = TollgateConfig.defaultsWith(SECURED);

        Properties streams = TollgateApp.streamsProps(config);
        Map<String, Object> producer = TollgateApp.producerProps(config);

        for (String key : new String[] {"security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location"}) {
            assertThat(streams.get(key)).as("streams " + key).isEqualTo(SECURED.get(key));
            assertThat(producer.get(key)).as("producer " + key).isEqualTo(SECURED.get(key));
        }
        assertThat(config.describe().get("sasl.jaas.config")).startsWith("[hidden]");
    }

    @Test
    void shouldSetFailOverDefaultsThatAPrefixedSettingOverrides() {
        Properties defaults = TollgateApp.streamsProps(TollgateConfig.defaultsWith(Map.of(TollgateConfig.INSTANCE_ID, "tollgate-0")));
        Properties tuned = TollgateApp.streamsProps(TollgateConfig.defaultsWith(Map.of("consumer.session.timeout.ms", "10000")));

        assertThat(defaults.get("consumer.session.timeout.ms")).isEqualTo("6000");
        assertThat(defaults.get("producer.transaction.timeout.ms")).isEqualTo("10000");
        assertThat(defaults.get("consumer.group.instance.id")).isEqualTo("tollgate-0");
        assertThat(defaults.get("acceptable.recovery.lag")).isEqualTo("100");
        assertThat(defaults.get("num.standby.replicas")).isEqualTo("1");
        assertThat(tuned.get("consumer.session.timeout.ms")).isEqualTo("10000");
    }

    @Test
    void shouldDeriveAStableLegalInstanceIdOrNone() {
        assertThat(TollgateConfig.defaultsWith(Map.of(TollgateConfig.REST_PORT, "0")).staticMembershipId()).isEmpty();
        assertThat(TollgateConfig.defaultsWith(Map.of(TollgateConfig.INSTANCE_ID, "")).staticMembershipId()).isEmpty();
        assertThat(TollgateConfig.defaultsWith(Map.of(TollgateConfig.INSTANCE_ID, "eu/node 1:8080")).staticMembershipId())
                .contains("eu-node-1-8080");
        assertThat(TollgateConfig.defaultsWith(Map.of()).staticMembershipId()).get().asString().endsWith("-8080");
    }
}
