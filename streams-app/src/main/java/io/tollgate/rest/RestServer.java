package io.tollgate.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.topology.TollgateMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tollgate's HTTP endpoints: {@code /health} (503 with Retry-After while the app is not running) and
 * {@code /metrics} (Prometheus text). Answers carry counts and states, never request content.
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

    public static RestServer start(String host, int port, KafkaStreams streams, TollgateMetrics metrics) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "tollgate-rest");
                t.setDaemon(true);
                return t;
            });
            server.createContext("/health", exchange -> health(exchange, streams));
            server.createContext("/metrics", exchange -> send(exchange, 200, "text/plain; version=0.0.4",
                    metrics.prometheus().getBytes(StandardCharsets.UTF_8)));
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

    private static void health(HttpExchange exchange, KafkaStreams streams) throws IOException {
        KafkaStreams.State state = streams.state();
        boolean up = state == KafkaStreams.State.RUNNING;
        if (!up) {
            exchange.getResponseHeaders().set("Retry-After", "1");
        }
        send(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsBytes(Map.of("status", up ? "UP" : "DOWN", "streams", state.name())));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
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
