package io.tollgate.connect;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The dispatcher's metrics on Micrometer's Prometheus registry, one per worker JVM (every task of the
 * connector adds to the same meters): calls by outcome, the vendor's answer time, and how late calls
 * start after their slot opens. With {@code metrics.port} set, the worker serves them at
 * {@code /metrics} (Micrometer's scrape, nothing else), started by the first task that asks for it and
 * stopped with the last.
 */
final class DispatcherMetrics {

    static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final Timer LATENCY = Timer.builder("tollgate.dispatcher.latency").description("the vendor's answer time")
            .publishPercentiles(0.5, 0.99).register(REGISTRY);
    private static final Timer START_LAG = Timer.builder("tollgate.dispatcher.start.lag")
            .description("how long after its slot opened a call was started").publishPercentiles(0.5, 0.99, 0.999).register(REGISTRY);
    private static final Timer PERMIT_WAIT = Timer.builder("tollgate.dispatcher.permit.wait")
            .description("how long a call sent ahead waited at the dispatcher for a concurrency permit").publishPercentiles(0.5, 0.99)
            .register(REGISTRY);
    private static HttpServer server;
    private static int users;

    private DispatcherMetrics() {
    }

    /** A call's result, written to the results topic. */
    static void result(CallResult result) {
        Counter.builder("tollgate.dispatcher.calls").tag("outcome", result.outcome().name()).register(REGISTRY).increment();
        if (!Boolean.FALSE.equals(result.sent()) && result.status() != null) {
            LATENCY.record(Duration.ofMillis(Math.max(0, result.latencyMs())));
        }
    }

    /** A call was started this long after its slot opened. */
    static void started(long lagMs) {
        START_LAG.record(Duration.ofMillis(Math.max(0, lagMs)));
    }

    /** A call waited this long for its concurrency permit. */
    static void waitedForPermit(long waitMs) {
        PERMIT_WAIT.record(Duration.ofMillis(Math.max(0, waitMs)));
    }

    static String scrape() {
        return REGISTRY.scrape();
    }

    /** Serves {@code /metrics} on {@code host:port} (port 0: any free one) until every task that asked has released it. */
    static synchronized URI expose(String host, int port) {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress(host, port), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve the dispatcher's metrics on " + host + ":" + port + " (metrics.host, metrics.port)", e);
            }
            server.createContext("/metrics", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestMethod().equals("GET") ? scrape().getBytes(StandardCharsets.UTF_8) : new byte[0];
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(exchange.getRequestMethod().equals("GET") ? 200 : 405, body.length == 0 ? -1 : body.length);
                    if (body.length > 0) {
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    }
                }
            });
            server.start();
        }
        users++;
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/metrics");
    }

    static synchronized void release() {
        if (users > 0 && --users == 0 && server != null) {
            server.stop(0);
            server = null;
        }
    }
}
