package io.tollgate.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.Outcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VendorSenderTest {

    @TempDir
    Path dir;
    private LocalHttpServer vendor;
    private VendorSender sender;

    @BeforeEach
    void start() throws Exception {
        vendor = new LocalHttpServer();
        sender = sender(vendor.url(), Map.of());
    }

    private VendorSender sender(String url, Map<String, String> extra) throws Exception {
        return sender(url, extra, System::currentTimeMillis);
    }

    private VendorSender sender(String url, Map<String, String> extra, LongSupplier clock) throws Exception {
        Map<String, String> props = Fixtures.config(url, Fixtures.credentials(dir));
        props.putAll(extra);
        HttpDispatchSinkConfig config = new HttpDispatchSinkConfig(props);
        FileConfigProvider provider = new FileConfigProvider();
        provider.configure(Map.of());
        return new VendorSender(config, new CredentialResolver(provider, props.get(HttpDispatchSinkConfig.CREDENTIALS_PATH), "raw", 60_000,
                System::currentTimeMillis), clock);
    }

    @AfterEach
    void stop() {
        vendor.close();
    }

    @Test
    void shouldSendMethodPathQueryBodyAndHeadersWithTheResolvedApiToken() throws Exception {
        CallResult result = sender.send(Fixtures.request("r1").setMethod("POST").setPath("/v1/deals?x=1")
                .setBody(Fixtures.body("{\"title\":\"Deal\"}")).setHeaders(Map.of("Content-Type", "application/json", "Host", "evil")).build(), 0).get();

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.headers()).containsEntry("x-ratelimit-remaining", "19");
        LocalHttpServer.Received got = vendor.received.get(0);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri()).isEqualTo("/v1/deals?x=1&api_token=" + Fixtures.SECRET);
        assertThat(got.body()).isEqualTo("{\"title\":\"Deal\"}");
        assertThat(got.headers().get("Content-type")).containsExactly("application/json");
        assertThat(got.headers().get("X-tollgate-request-id")).containsExactly("r1");
    }

    /** A vendor on 127.0.0.1 that sends a 200's status and headers at once, and its body only once {@code bodyMayGo} opens. */
    private static HttpServer headersThenBodyWhen(CountDownLatch bodyMayGo) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().flush();
                bodyMayGo.await(60, TimeUnit.SECONDS);
                exchange.getResponseBody().write("{\"success\":true}".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }

    @Test
    void shouldTakeTheAnswersTimeWhenItsHeadersArriveNotWhenItsBodyIsRead() throws Exception {
        // The vendor sends its status and headers, then holds the body until the test lets it go. The clock
        // moves on in between: the result must keep the time of the headers, when the vendor had counted the call.
        CountDownLatch bodyMayGo = new CountDownLatch(1);
        HttpServer slowBody = headersThenBodyWhen(bodyMayGo);
        AtomicLong now = new AtomicLong(1_000);
        AtomicInteger reads = new AtomicInteger();
        try (VendorSender timed = sender("http://127.0.0.1:" + slowBody.getAddress().getPort(), Map.of(), () -> {
            reads.incrementAndGet();
            return now.get();
        })) {
            CompletableFuture<CallResult> pending = timed.send(Fixtures.request("r-headers").build(), 0);
            // The clock is read as the call starts and again when the headers arrive.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() >= 2);
            now.set(5_000);
            bodyMayGo.countDown();
            CallResult result = pending.get(10, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(result.executedAtMs()).isEqualTo(1_000);
            // 1 ms, the least an answer gets (0 would read as a dispatcher that does not say), not 4 s later with the body.
            assertThat(result.latencyMs()).as("answered when the headers came").isEqualTo(1);
        } finally {
            bodyMayGo.countDown();
            slowBody.stop(0);
        }
    }

    @Test
    void shouldGiveUpOnAnAnswerWhoseBodyStallsAfterItsHeaders() throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        HttpServer stalling = headersThenBodyWhen(testOver);
        try (VendorSender timed = sender("http://127.0.0.1:" + stalling.getAddress().getPort(),
                Map.of(HttpDispatchSinkConfig.REQUEST_TIMEOUT_MS, "1000", HttpDispatchSinkConfig.CONNECT_TIMEOUT_MS, "1000"))) {
            // The headers come at once; the call is given up 1 s + 2 x 1 s after it started.
            CallResult result = timed.send(Fixtures.request("r-stalled").build(), 0).get(20, TimeUnit.SECONDS);

            assertThat(result.outcome()).as("a GET whose answer did not come whole may go again").isEqualTo(Outcome.NETWORK_ERROR);
            assertThat(result.sent()).isTrue();
            assertThat(result.excerpt()).contains("no whole answer within 3000 ms").contains("its headers came, status 200");
        } finally {
            testOver.countDown();
            stalling.stop(0);
        }
    }

    @Test
    void shouldBoundTheWholeExchangeEvenForTimeoutsTooLongToAdd() {
        assertThat(VendorSender.wholeExchangeMs(Duration.ofSeconds(5), Duration.ofSeconds(30))).isEqualTo(65_000);
        assertThat(VendorSender.wholeExchangeMs(Duration.ofMillis(100), Duration.ofMillis(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThat(VendorSender.wholeExchangeMs(Duration.ofMillis(Long.MAX_VALUE), Duration.ofMillis(100))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldWarnOfAThreadPerAnswerOnlyWhereAnswersDoNotGoToAPool() {
        Executor threadPerTask = task -> new Thread(task).start();
        assertThat(VendorSender.threadPerAnswerWarning(threadPerTask)).get().asString()
                .contains("a new thread for every answer").contains("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
        assertThat(VendorSender.threadPerAnswerWarning(ForkJoinPool.commonPool())).isEmpty();
        // With the flag (the root pom's test.argLine), a future's default executor is the pool.
        Assumptions.assumeTrue(ForkJoinPool.getCommonPoolParallelism() >= 2, "the tests' JVM runs without the flag");
        assertThat(VendorSender.threadPerAnswerWarning(new CompletableFuture<Void>().defaultExecutor())).isEmpty();
    }

    @Test
    void shouldSendOAuthTokensAsBearer() throws Exception {
        sender.send(Fixtures.request("r2").setAuthKind(AuthKind.OAUTH).setCredentialRef("oauth/acme").build(), 0).get();

        assertThat(vendor.received.get(0).headers().get("Authorization")).containsExactly("Bearer oauth-secret-456");
        assertThat(vendor.received.get(0).uri()).doesNotContain("api_token");
    }

    @Test
    void shouldNotSendWhenTheCredentialIsUnknown() throws Exception {
        CallResult result = sender.send(Fixtures.request("r3").setCredentialRef("nobody/knows").build(), 0).get();

        assertThat(result.outcome()).isEqualTo(Outcome.NOT_SENT);
        assertThat(result.sent()).isFalse();
        assertThat(result.excerpt()).contains("nobody/knows");
        assertThat(vendor.received).isEmpty();
    }

    @Test
    void shouldKeepASecretThatCannotBeAHeaderOutOfTheResult() throws Exception {
        // A secret with a trailing newline, placed in a header: the HTTP client refuses it, quoting the value.
        VendorSender headerAuth = sender(vendor.url(), Map.of(HttpDispatchSinkConfig.API_TOKEN_AUTH, "header:X-Api-Token"));
        Files.writeString(dir.resolve("credentials.properties"), "pipedrive/acme=" + Fixtures.SECRET + "\\n\n");

        CallResult result = headerAuth.send(Fixtures.request("r4").build(), 0).get();

        assertThat(result.outcome()).isEqualTo(Outcome.NOT_SENT);
        assertThat(result.excerpt()).contains("not a valid HTTP request").doesNotContain(Fixtures.SECRET);
        assertThat(vendor.received).isEmpty();
    }

    @Test
    void shouldRedactTheSecretWhereTheVendorEchoesIt() throws Exception {
        vendor.answers = r -> new LocalHttpServer.Answer(401, "application/json", "{\"error\":\"token " + Fixtures.SECRET + " is not valid\"}",
                Map.of("x-ratelimit-remaining", Fixtures.SECRET), 0);

        CallResult result = sender.send(Fixtures.request("r5").build(), 0).get();

        assertThat(result.status()).isEqualTo(401);
        assertThat(result.excerpt()).isEqualTo("{\"error\":\"token [redacted] is not valid\"}");
        assertThat(result.headers()).containsEntry("x-ratelimit-remaining", "[redacted]");
    }

    @Test
    void shouldSendACallBackWhenTheCredentialProviderFails() throws Exception {
        Files.delete(dir.resolve("credentials.properties"));
        VendorSender failing = new VendorSender(new HttpDispatchSinkConfig(Fixtures.config(vendor.url(), dir.resolve("credentials.properties"))),
                new CredentialResolver(new ConfigProvider() {
                    @Override
                    public ConfigData get(String path) {
                        throw new ConfigException("vault sealed");
                    }

                    @Override
                    public ConfigData get(String path, Set<String> keys) {
                        throw new ConfigException("vault sealed");
                    }

                    @Override
                    public void close() {
                    }

                    @Override
                    public void configure(Map<String, ?> configs) {
                    }
                }, "", "raw", 0, System::currentTimeMillis), System::currentTimeMillis);

        CallResult result = failing.send(Fixtures.request("r6").build(), 0).get();

        assertThat(result.outcome()).as("sent back to wait, the credential paused").isEqualTo(Outcome.NETWORK_ERROR);
        assertThat(result.sent()).isFalse();
        assertThat(result.excerpt()).isEqualTo("the credential provider failed (ConfigException); not sent");
        assertThat(vendor.received).isEmpty();
    }

    @Test
    void shouldClassifyRateLimitsAndBlockPages() throws Exception {
        vendor.answers = r -> r.uri().contains("blocked")
                ? new LocalHttpServer.Answer(403, "text/html", "<html>This error is produced by Cloudflare.</html>", Map.of(), 0)
                : r.uri().contains("denied") ? new LocalHttpServer.Answer(403, "application/json", "{\"error\":\"no\"}", Map.of(), 0)
                : new LocalHttpServer.Answer(429, "application/json", "{\"success\":false,\"error\":\"request over limit\",\"errorCode\":429}",
                        Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "2", "Retry-After", "2"), 0);

        CallResult limited = sender.send(Fixtures.request("a").build(), 0).get();
        CallResult blocked = sender.send(Fixtures.request("b").setPath("/blocked").build(), 0).get();
        CallResult denied = sender.send(Fixtures.request("c").setPath("/denied").build(), 0).get();

        assertThat(limited.outcome()).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(limited.headers()).containsEntry("x-ratelimit-reset", "2").containsEntry("retry-after", "2");
        assertThat(limited.excerpt()).contains("request over limit");
        assertThat(blocked.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(denied.outcome()).isEqualTo(Outcome.HTTP_ERROR);
    }

    @Test
    void shouldReportUnsentCallsAsNetworkErrorsWithoutTheUrl() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        VendorSender unreachable = sender("http://127.0.0.1:" + closedPort, Map.of());

        CallResult post = unreachable.send(Fixtures.request("p").setMethod("POST").build(), 0).get();

        assertThat(post.outcome()).as("not sent, so safe to send again").isEqualTo(Outcome.NETWORK_ERROR);
        assertThat(post.sent()).isFalse();
        assertThat(post.excerpt()).doesNotContain(Fixtures.SECRET);
    }

    @Test
    void shouldRetryOnlySafeMethodsWhenTheAnswerIsLost() throws Exception {
        vendor.answers = r -> new LocalHttpServer.Answer(200, "application/json", "{}", Map.of(), 3000);

        CallResult get = sender.send(Fixtures.request("g").build(), 0).get();
        CallResult post = sender.send(Fixtures.request("p").setMethod("POST").build(), 0).get();

        assertThat(get.outcome()).isEqualTo(Outcome.NETWORK_ERROR);
        assertThat(get.sent()).as("it reached the vendor, which may have counted it").isTrue();
        assertThat(post.outcome()).isEqualTo(Outcome.OUTCOME_UNKNOWN);
        assertThat(post.excerpt()).contains("HttpTimeoutException").doesNotContain(Fixtures.SECRET);
    }
}
