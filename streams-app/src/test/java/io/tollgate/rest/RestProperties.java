package io.tollgate.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.app.Health;
import io.tollgate.intake.Hostile;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.RejectReason;
import io.tollgate.query.AccountQueries;
import io.tollgate.query.CatalogQueries;
import io.tollgate.query.QueryRouter;
import io.tollgate.topology.TollgateMetrics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The REST boundary, over real HTTP: any method, path, query and header gets a deliberate answer (200,
 * 400, 404, 405 or 503 with Retry-After, JSON where it says so), never a server error, and nothing sent
 * in comes back out.
 */
class RestProperties {

    private static final String SECRET = "rest-secret-5d1e";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static RestServer server;
    private static volatile boolean live = true;

    @BeforeContainer
    static void start() {
        TollgateMetrics metrics = new TollgateMetrics();
        metrics.rejected(RejectReason.INVALID_REQUEST);
        // Not attached to a running app: every account question is "unavailable, retry" (503), as while starting.
        QueryRouter router = new QueryRouter();
        QueryApi api = new QueryApi(router, new AccountQueries(new Limiter(new LimiterSettings(100, 2000, 900_000, 10_000)), null),
                new CatalogQueries(() -> null, null), System::currentTimeMillis);
        server = RestServer.start("127.0.0.1", 0, "", () -> new Health.Status(live, live, live ? "RUNNING" : "REBALANCING",
                live ? List.of() : List.of("no record processed for 31 s while 12 wait on the input")), metrics, api);
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 200)
    void shouldAnswerAnyRequestDeliberatelyAndEchoNothing(@ForAll("methods") String method, @ForAll("paths") String path,
                                                          @ForAll("hostileText") String query, @ForAll boolean up) throws Exception {
        live = up;
        URI uri = URI.create(server.url() + path + "?q=" + URLEncoder.encode(query + SECRET, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("X-Api-Key", SECRET).header("Authorization", "Bearer " + SECRET)
                .method(method, method.equals("GET") || method.equals("HEAD") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{\"x\":\"" + SECRET + "\"}")).build();

        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        // 414 and 431: Jetty refuses a URI or headers too long for it, before any route.
        assertThat(response.statusCode()).isIn(200, 302, 400, 404, 405, 414, 431, 503);
        assertThat(response.body()).doesNotContain(SECRET);
        assertThat(response.headers().map().toString()).doesNotContain(SECRET);
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (!read) {
            // 400 when Jetty refuses the URI itself (ambiguous encodings) before any route sees the method.
            assertThat(response.statusCode()).isIn(400, 405, 414, 431);
        } else if (path.equals("/health") || path.equals("/ready")) {
            assertThat(response.statusCode()).isEqualTo(up ? 200 : 503);
        } else if (path.startsWith("/accounts/acme/")) {
            assertThat(response.statusCode()).as("no owner is known yet: never an empty or made-up answer").isIn(400, 503);
        }
        if (response.statusCode() == 503) {
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
        }
        if (method.equals("GET") && !path.equals("/metrics") && !path.equals("/openapi.yaml") && response.statusCode() != 302
                && !path.startsWith("/dashboard/")) {
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.isObject()).isTrue();
        }
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO");
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(Arbitraries.of("/health", "/ready", "/metrics", "/", "/health/", "/accounts/acme/usage", "/%2e%2e/etc",
                        "/accounts", "/accounts/acme/usage/today", "/accounts/acme/calls", "/accounts/acme/queue", "/policies/pipedrive",
                        "/openapi.yaml", "/accounts/%00/usage", "/accounts/acme%2Fother/usage", "/dashboard", "/dashboard/",
                        "/dashboard/dashboard.js", "/dashboard/../openapi.yaml", "/dashboard/secret.txt"),
                Hostile.strings().map(s -> "/" + URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20")));
    }

    @Provide
    Arbitrary<String> hostileText() {
        return Hostile.strings().map(s -> s.length() > 2000 ? s.substring(0, 2000) : s);
    }
}
