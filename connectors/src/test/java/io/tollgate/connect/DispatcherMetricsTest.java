package io.tollgate.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherMetricsTest {

    @Test
    void shouldCountOutcomesAndServeThemUntilTheLastTaskReleases() throws Exception {
        DispatcherMetrics.result(new CallResult(Outcome.RATE_LIMITED, 429, 120, Map.of(), "", 0, true));
        DispatcherMetrics.result(CallResult.notSent(Outcome.STALE, "late", 0));
        DispatcherMetrics.started(35);

        URI first = DispatcherMetrics.expose("127.0.0.1", 0);
        URI second = DispatcherMetrics.expose("127.0.0.1", 0);
        assertThat(second).as("one endpoint per worker, shared by its tasks").isEqualTo(first);
        HttpClient http = HttpClient.newHttpClient();
        String body = http.send(HttpRequest.newBuilder(first).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();

        assertThat(body).contains("tollgate_dispatcher_calls_total{outcome=\"RATE_LIMITED\"}")
                .contains("tollgate_dispatcher_calls_total{outcome=\"STALE\"}")
                .contains("tollgate_dispatcher_latency_seconds_count").contains("tollgate_dispatcher_start_lag_seconds");
        DispatcherMetrics.release();
        assertThat(http.send(HttpRequest.newBuilder(first).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("still served for the other task").isEqualTo(200);
        DispatcherMetrics.release();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(first).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }
}
