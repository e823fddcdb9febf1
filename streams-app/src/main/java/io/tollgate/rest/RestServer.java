package io.tollgate.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.app.Health;
import io.tollgate.topology.TollgateMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tollgate's HTTP endpoints: {@code /health} (liveness: 503 when the app cannot make progress),
 * {@code /ready} (503 with Retry-After while it does not decide calls: starting, rebalancing, failing)
 * and {@code /metrics} (Prometheus text). Read-only: any other method is refused. Answers carry
 * counts and states, never request content.
 */
public final class RestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private RestServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static RestServer start(String host, int port, Supplier<Health.Status> health, TollgateMetrics metrics) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "tollgate-rest");
                t.setDaemon(true);
                return t;
            });
            server.createContext("/", exchange -> route(exchange, health, metrics));
            server.setExecutor(executor);
            server.start();
            return new RestServer(server, executor);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " for the REST API (rest.host, rest.port): "
                    + e.getMessage(), e);
        }
    }

    public URI url() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    private static void route(HttpExchange exchange, Supplier<Health.Status> health, TollgateMetrics metrics) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, error("the API is read-only: use GET"));
            } else if (path.equals("/health") || path.equals("/ready")) {
                Health.Status status = health.get();
                boolean ok = path.equals("/health") ? status.live() : status.ready();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", ok ? "UP" : "DOWN");
                body.put("streams", status.streams());
                body.put("problems", status.problems());
                if (!ok) {
                    exchange.getResponseHeaders().set("Retry-After", "1");
                }
                send(exchange, ok ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
            } else if (path.equals("/metrics")) {
                send(exchange, 200, "text/plain; version=0.0.4", metrics.prometheus().getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 404, error("no such endpoint; there are /health, /ready and /metrics"));
            }
        } catch (RuntimeException e) {
            LOG.error("REST request failed", e);
            send(exchange, 500, error("internal error (" + e.getClass().getSimpleName() + ")"));
        }
    }

    private static byte[] error(String message) throws IOException {
        return JSON.writeValueAsBytes(Map.of("error", message));
    }

    private static void send(HttpExchange exchange, int status, byte[] json) {
        send(exchange, status, "application/json", json);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.debug("REST client went away: {}", e.toString());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
