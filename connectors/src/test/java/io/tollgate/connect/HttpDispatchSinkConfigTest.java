package io.tollgate.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class HttpDispatchSinkConfigTest {

    private static Map<String, String> valid() {
        return Fixtures.config("https://api.pipedrive.com", Path.of("/secrets/c.properties"));
    }

    @Test
    void shouldResolveBaseUrlPerVendor() {
        Map<String, String> props = valid();
        props.put(HttpDispatchSinkConfig.VENDOR_URLS, "forms=https://forms.example/api,pipedrive=https://api.pipedrive.com");

        HttpDispatchSinkConfig config = new HttpDispatchSinkConfig(props);

        assertThat(config.baseUrl(null)).isEqualTo(URI.create("https://api.pipedrive.com"));
        assertThat(config.baseUrl("forms")).isEqualTo(URI.create("https://forms.example/api"));
        assertThatThrownBy(() -> config.baseUrl("unknown")).hasMessageContaining("no base URL for vendor 'unknown'");
    }

    @Test
    void shouldRefuseBadValuesNamingTheKey() {
        Map<String, String> badUrl = valid();
        badUrl.put(HttpDispatchSinkConfig.BASE_URL, "ftp://x");
        Map<String, String> badAuth = valid();
        badAuth.put(HttpDispatchSinkConfig.API_TOKEN_AUTH, "cookie");
        Map<String, String> noResults = valid();
        noResults.remove(HttpDispatchSinkConfig.RESULTS_BOOTSTRAP);

        assertThatThrownBy(() -> new HttpDispatchSinkConfig(badUrl)).isInstanceOf(ConfigException.class).hasMessageContaining("http.base.url");
        assertThatThrownBy(() -> new HttpDispatchSinkConfig(badAuth)).isInstanceOf(ConfigException.class).hasMessageContaining("auth.api.token");
        assertThatThrownBy(() -> new HttpDispatchSinkConfig(noResults)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("results.bootstrap.servers");
    }

    @Test
    void shouldPassKafkaSecuritySettingsToTheResultsProducer() {
        Map<String, String> props = valid();
        props.put("results.producer.security.protocol", "SASL_SSL");
        props.put("results.producer.sasl.mechanism", "SCRAM-SHA-512");
        props.put("results.producer.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put("results.producer.ssl.truststore.location", "/etc/kafka/truststore.jks");

        Map<String, Object> producer = new HttpDispatchSinkConfig(props).resultsProducerConfig();

        assertThat(producer).containsEntry("bootstrap.servers", "127.0.0.1:9").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .containsEntry("enable.idempotence", true).containsKey("sasl.jaas.config");
    }

    @Test
    void shouldGroupTheConfigurationForConnectUis() {
        assertThat(HttpDispatchSinkConfig.CONFIG.groups()).containsExactly("Vendors", "Credentials", "Timing", "Results", "Metrics");
        assertThat(new HttpDispatchSinkConnector().config().names()).contains(HttpDispatchSinkConfig.CREDENTIALS_PROVIDER);
    }
}
