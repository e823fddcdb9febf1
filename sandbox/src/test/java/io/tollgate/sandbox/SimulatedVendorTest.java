package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.sandbox.vendor.SimulatedVendor;
import io.tollgate.sandbox.vendor.SimulatedVendor.Auth;
import io.tollgate.sandbox.vendor.SimulatedVendor.Company;
import io.tollgate.sandbox.vendor.SimulatedVendor.Platform;
import io.tollgate.sandbox.vendor.SimulatedVendor.Token;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The referee must be strict: it refuses exactly what the vendor documents. */
class SimulatedVendorTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private SimulatedVendor vendor;

    @AfterEach
    void stop() {
        vendor.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(vendor.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer429WithTheVendorsBodyAndHeadersOnThe21stCallWithin2sOfALiteToken() throws Exception {
        vendor = SimulatedVendor.start(List.of(new Company("acme", Platform.PIPEDRIVE, "lite", 1, ZoneId.of("UTC"))),
                List.of(new Token("main", "s3cret", "acme", Auth.API_TOKEN, "u1")), 0);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            statuses.add(get("/api/v2/deals/1?api_token=s3cret").statusCode());
        }
        HttpResponse<String> refused = get("/api/v2/deals/1?api_token=s3cret");

        assertThat(statuses.subList(0, 20)).containsOnly(200);
        assertThat(statuses.get(20)).isEqualTo(429);
        assertThat(refused.body()).isEqualTo("{\"success\":false,\"error\":\"request over limit\",\"errorCode\":429}");
        assertThat(refused.headers().firstValue("x-ratelimit-remaining")).contains("0");
        assertThat(get("/api/v2/deals/1?api_token=wrong").statusCode()).isEqualTo(401);
        assertThat(vendor.calls()).allSatisfy(c -> assertThat(c.token()).isNotEqualTo("s3cret"));
    }

    @Test
    void shouldRefuseAFourthConcurrentConnectionOfAFormsOrganization() throws Exception {
        vendor = SimulatedVendor.start(List.of(new Company("org", Platform.FORMS, null, 1, ZoneId.of("Australia/Sydney"))),
                List.of(new Token("org-token", "t", "org", Auth.API_TOKEN, null)), 500);

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(vendor.url() + "/api/sources?api_token=t")).build(),
                    HttpResponse.BodyHandlers.ofString()));
            int arrived = i + 1;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> vendor.calls().size() == arrived);
        }

        assertThat(calls.stream().map(f -> f.join().statusCode()).toList()).containsExactly(200, 200, 200, 429);
        assertThat(get("/api/files/1?api_token=t").statusCode()).as("file downloads are not counted").isEqualTo(200);
    }
}
