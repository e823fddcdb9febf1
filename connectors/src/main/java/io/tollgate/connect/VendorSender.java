package io.tollgate.connect;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Sends one call over HTTP: base URL per vendor, the request's method, path, query, body and
 * non-secret headers, plus the credential resolved from its reference. One pooled {@link HttpClient}
 * per task keeps connections alive. Never throws: every failure becomes a {@link CallResult}.
 */
final class VendorSender implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VendorSender.class);

    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");
    static final String REQUEST_ID_HEADER = "X-Tollgate-Request-Id";
    /** When the call's slot opened (epoch ms): lets a vendor, or a test, see how late a call arrived. */
    static final String SLOT_HEADER = "X-Tollgate-Slot";

    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    /** Set once the JVM was told it starts a thread per answer: one warning per worker, not per task. */
    private static final AtomicBoolean WARNED_OF_THREAD_PER_ANSWER = new AtomicBoolean();

    private final HttpDispatchSinkConfig config;
    private final CredentialResolver credentials;
    private final AuthPlacement apiToken;
    private final AuthPlacement oauth;
    private final HttpClient http;
    private final Duration requestTimeout;
    /**
     * The longest a call may take, body included: java.net.http's request timeout (connecting included) ends at the
     * headers, and it may try a call twice on a fresh connection; the connect timeout is the margin over those.
     */
    private final long wholeExchangeMs;
    private final int excerptChars;
    private final LongSupplier clock;

    VendorSender(HttpDispatchSinkConfig config, CredentialResolver credentials, LongSupplier clock) {
        // java.net.http hands each answer to CompletableFuture's default executor, the one a new future names.
        threadPerAnswerWarning(new CompletableFuture<Void>().defaultExecutor())
                .filter(warning -> WARNED_OF_THREAD_PER_ANSWER.compareAndSet(false, true))
                .ifPresent(LOG::warn);
        this.config = config;
        this.credentials = credentials;
        this.apiToken = AuthPlacement.parse(config.apiTokenPlacement());
        this.oauth = AuthPlacement.parse(config.oauthPlacement());
        this.requestTimeout = config.requestTimeout();
        this.wholeExchangeMs = wholeExchangeMs(config.connectTimeout(), requestTimeout);
        this.excerptChars = config.bodyExcerptChars();
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Sends a call. Every failure becomes a result: a credential the provider does not know ends the call
     * (NOT_SENT); a provider that fails, or a vendor that cannot be reached, sends it back to wait
     * (NETWORK_ERROR, not sent). No text in a result holds the secret: it is taken out of the body, the
     * headers and every exception message.
     */
    CompletableFuture<CallResult> send(ApiRequest request, long slotMs) {
        long start = clock.getAsLong();
        String secret;
        try {
            secret = credentials.resolve(request.getCredentialRef());
        } catch (CredentialResolver.UnknownCredentialException e) {
            return CompletableFuture.completedFuture(CallResult.notSent(Outcome.NOT_SENT, e.getMessage(), start));
        } catch (RuntimeException e) {
            // The provider itself failed (a file that cannot be read, a vault that does not answer): the call
            // may well go later, so it goes back to wait, paused like a call the vendor could not be reached for.
            LOG.warn("Credential provider failed for reference '{}' ({}); the call goes back to the limiter", request.getCredentialRef(),
                    e.getClass().getName());
            return CompletableFuture.completedFuture(CallResult.notSent(Outcome.NETWORK_ERROR, "the credential provider failed ("
                    + e.getClass().getSimpleName() + "); not sent", start));
        }
        Redaction redaction = new Redaction(secret);
        HttpRequest http;
        try {
            http = build(request, slotMs, secret);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(CallResult.notSent(Outcome.NOT_SENT, "not a valid HTTP request: "
                    + redaction.apply(String.valueOf(e.getMessage())), start));
        }
        // The answer's time is when its status line and headers arrived: a vendor has counted a call by the time it
        // answers. Taken when the future completes instead, it also held the body's read and the client's hand-off
        // to another thread, 40 to 65 ms more in a cold burst, and a window kept each call that much longer.
        AtomicLong answeredAt = new AtomicLong(-1);
        AtomicInteger answeredWith = new AtomicInteger();
        HttpResponse.BodyHandler<byte[]> timedHandler = info -> {
            if (answeredAt.compareAndSet(-1, clock.getAsLong())) {
                answeredWith.set(info.statusCode());
            }
            return HttpResponse.BodySubscribers.ofByteArray();
        };
        CompletableFuture<HttpResponse<byte[]>> exchange = this.http.sendAsync(http, timedHandler);
        // java.net.http's request timeout ends when the headers come: a body that stalls after them would hold the
        // call, and its permit, for as long as the vendor keeps the connection open. The whole exchange is bounded.
        return exchange.copy().orTimeout(wholeExchangeMs, TimeUnit.MILLISECONDS)
                .handle((response, thrown) -> {
                    Throwable failure = thrown;
                    if (thrown instanceof TimeoutException) {
                        exchange.cancel(true);
                        failure = new TimeoutException("no whole answer within " + wholeExchangeMs + " ms"
                                + (answeredAt.get() >= 0 ? " (its headers came, status " + answeredWith.get() + "; its body did not)" : ""));
                    }
                    // At least 1 ms for an answer: the limiter reads a latency of 0 as a dispatcher that does not say.
                    long latency = failure == null && answeredAt.get() >= 0 ? Math.max(1, answeredAt.get() - start) : clock.getAsLong() - start;
                    if (failure != null) {
                        Outcome outcome = OutcomeClassifier.ofFailure(failure, request.getMethod());
                        return new CallResult(outcome, null, latency, Map.of(), redaction.apply(describe(failure)), start,
                                !OutcomeClassifier.neverConnected(failure));
                    }
                    String body = new String(response.body(), StandardCharsets.UTF_8);
                    String contentType = response.headers().firstValue("content-type").orElse(null);
                    // Redacted before it is cut: a cut through the secret would leave half of it.
                    String excerpt = redaction.apply(body);
                    return new CallResult(OutcomeClassifier.of(response.statusCode(), contentType, body), response.statusCode(), latency,
                            redaction.apply(rateLimitHeaders(response.headers())), excerpt.substring(0, Math.min(excerpt.length(), excerptChars)),
                            start, true);
                });
    }

    /** Connect plus twice the request timeout, or as long as a millisecond count holds. */
    static long wholeExchangeMs(Duration connect, Duration request) {
        try {
            return Math.addExact(connect.toMillis(), Math.multiplyExact(request.toMillis(), 2));
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * java.net.http hands every answer of {@code sendAsync} to CompletableFuture's default executor. On Java 17 to 24
     * that is the common pool only where its parallelism is 2 or more (by default, on three CPUs or more); below, it
     * starts a new thread per task: a thread per answer, which in a cold burst on two cores cost the first window
     * about one point of its allowance (docs/PERFORMANCE.md). The fix is the worker's JVM flag, not a library's.
     */
    static Optional<String> threadPerAnswerWarning(Executor answersGoTo) {
        if (answersGoTo instanceof ForkJoinPool) {
            return Optional.empty();
        }
        return Optional.of("java.net.http starts a new thread for every answer the dispatcher gets on this JVM (the common pool's "
                + "parallelism is " + ForkJoinPool.getCommonPoolParallelism() + "): start the Connect worker with -D" + COMMON_POOL_PARALLELISM
                + "=2 in KAFKA_OPTS (docs/DEPLOYMENT.md)");
    }

    private HttpRequest build(ApiRequest request, long slotMs, String secret) {
        URI base = config.baseUrl(request.getVendor());
        String baseText = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1) : base.toString();
        URI uri = URI.create(baseText + request.getPath());
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(requestTimeout);
        request.getHeaders().forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        builder.header(REQUEST_ID_HEADER, request.getRequestId());
        builder.header(SLOT_HEADER, Long.toString(slotMs));
        uri = (request.getAuthKind() == AuthKind.OAUTH ? oauth : apiToken).apply(uri, builder, secret);
        ByteBuffer body = request.getBody();
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(bytes(body));
        return builder.uri(uri).method(request.getMethod().toUpperCase(Locale.ROOT), publisher).build();
    }

    /** The vendor's rate-limit headers, lower-cased: what the limiter learns from. */
    static Map<String, String> rateLimitHeaders(HttpHeaders headers) {
        Map<String, String> kept = new LinkedHashMap<>();
        headers.map().forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if ((n.startsWith("x-ratelimit") || n.startsWith("x-daily") || n.startsWith("ratelimit") || n.equals("retry-after"))
                    && !values.isEmpty()) {
                kept.put(n, values.get(0));
            }
        });
        return kept;
    }

    /** What went wrong, without the URL (its query may hold the credential). */
    private static String describe(Throwable failure) {
        Throwable cause = failure.getCause() != null && failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage().replaceAll("https?://\\S+", "<url>"));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public void close() {
        // HttpClient has no close() before Java 21; its pooled connections go with it.
    }
}
