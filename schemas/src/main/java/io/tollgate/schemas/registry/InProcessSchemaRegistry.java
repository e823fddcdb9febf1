package io.tollgate.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible Schema Registry served from this JVM on 127.0.0.1, for tests and for the
 * embedded default. It speaks the subset of the REST API that serializers, deserializers and the
 * usual tooling use: register, look up, fetch by id, list, compatibility checks and configuration.
 * Its data lives in memory only ({@link #start(int)}), or is kept in the compacted {@code _schemas} topic
 * of a Kafka cluster as the Confluent registry keeps it ({@link #start(int, Map)}), so that schema ids stay
 * the same across restarts.
 */
public final class InProcessSchemaRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryStore store;
    private final KafkaRegistryLog log;
    private final HttpServer server;
    private final ExecutorService executor;

    private InProcessSchemaRegistry(RegistryStore store, KafkaRegistryLog log, HttpServer server, ExecutorService executor) {
        this.store = store;
        this.log = log;
        this.server = server;
        this.executor = executor;
    }

    /** Starts a registry on 127.0.0.1 at {@code port} (0 picks a free port), keeping its data in memory. */
    public static InProcessSchemaRegistry start(int port) {
        return serve(port, new RegistryStore(), null);
    }

    /**
     * Starts a registry on 127.0.0.1 at {@code port} that keeps its data in the {@code _schemas} topic of the
     * cluster {@code kafka} (client settings: {@code bootstrap.servers} and any security settings), after
     * reading back what the topic holds.
     */
    public static InProcessSchemaRegistry start(int port, Map<String, Object> kafka) {
        KafkaRegistryLog log = KafkaRegistryLog.open(kafka);
        try {
            RegistryStore store = new RegistryStore(log);
            log.replayInto(store);
            return serve(port, store, log);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private static InProcessSchemaRegistry serve(int port, RegistryStore store, KafkaRegistryLog log) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "schema-registry-http");
                t.setDaemon(true);
                return t;
            });
            InProcessSchemaRegistry registry = new InProcessSchemaRegistry(store, log, server, executor);
            server.createContext("/", registry::handle);
            server.setExecutor(executor);
            server.start();
            LOG.info("In-process schema registry listening on {}", registry.url());
            return registry;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the in-process schema registry on port " + port + ": " + e.getMessage(), e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (log != null) {
            log.close();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            List<String> parts = segments(rawPath);
            try {
                JsonNode body = "POST".equals(method) || "PUT".equals(method) ? readBody(exchange.getRequestBody()) : null;
                Object answer = route(method, parts, query, body);
                respond(exchange, 200, answer);
            } catch (SchemaRegistryException e) {
                respond(exchange, e.httpStatus(), error(e.errorCode(), e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("Schema registry failed on {} {}", method, rawPath, e);
                respond(exchange, 500, error(50001, "Error in the backend data store: " + e.getMessage()));
            }
        }
    }

    private Object route(String method, List<String> p, String query, JsonNode body) {
        int n = p.size();
        if (n == 0) {
            return JSON.createObjectNode();
        }
        switch (p.get(0)) {
            case "subjects" -> {
                if (n == 1 && is(method, "GET")) {
                    return array(store.subjects());
                }
                String subject = p.get(1);
                if (n == 2 && is(method, "POST")) {
                    return version(store.lookup(subject, schemaText(body)));
                }
                if (n == 2 && is(method, "DELETE")) {
                    return array(store.deleteSubject(subject));
                }
                if (n == 3 && p.get(2).equals("versions") && is(method, "GET")) {
                    return array(store.versions(subject));
                }
                if (n == 3 && p.get(2).equals("versions") && is(method, "POST")) {
                    requireAvro(body);
                    return JSON.createObjectNode().put("id", store.register(subject, schemaText(body)));
                }
                if (n == 4 && p.get(2).equals("versions") && is(method, "GET")) {
                    return version(store.version(subject, p.get(3)));
                }
                if (n == 5 && p.get(2).equals("versions") && p.get(4).equals("schema") && is(method, "GET")) {
                    return rawSchema(store.version(subject, p.get(3)).schema());
                }
            }
            case "schemas" -> {
                if (n == 2 && p.get(1).equals("types") && is(method, "GET")) {
                    return array(List.of("AVRO"));
                }
                if (n >= 3 && p.get(1).equals("ids") && is(method, "GET")) {
                    int id = parseId(p.get(2));
                    String schema = store.schema(id).orElseThrow(() -> new SchemaRegistryException(404,
                            SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found"));
                    if (n == 3) {
                        return JSON.createObjectNode().put("schema", schema);
                    }
                    if (n == 4 && p.get(3).equals("schema")) {
                        return rawSchema(schema);
                    }
                    if (n == 4 && p.get(3).equals("subjects")) {
                        return array(store.usesOf(id).stream().map(RegistryStore.Version::subject).distinct().toList());
                    }
                    if (n == 4 && p.get(3).equals("versions")) {
                        ArrayNode uses = JSON.createArrayNode();
                        store.usesOf(id).forEach(v -> uses.addObject().put("subject", v.subject()).put("version", v.version()));
                        return uses;
                    }
                }
            }
            case "compatibility" -> {
                if (n >= 4 && p.get(1).equals("subjects") && p.get(3).equals("versions") && is(method, "POST")) {
                    requireAvro(body);
                    List<String> problems = store.compatibilityProblems(p.get(2), n == 5 ? p.get(4) : null, schemaText(body));
                    ObjectNode result = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
                    if (query != null && query.contains("verbose=true")) {
                        result.set("messages", array(problems));
                    }
                    return result;
                }
            }
            case "config" -> {
                if (n == 1 && is(method, "GET")) {
                    return JSON.createObjectNode().put("compatibilityLevel", store.globalLevel().name());
                }
                if (n == 1 && is(method, "PUT")) {
                    CompatibilityLevel level = CompatibilityLevel.parse(body.path("compatibility").asText());
                    store.globalLevel(level);
                    return JSON.createObjectNode().put("compatibility", level.name());
                }
                if (n == 2 && is(method, "GET")) {
                    boolean fallBack = query != null && query.contains("defaultToGlobal=true");
                    CompatibilityLevel level = store.subjectLevel(p.get(1))
                            .or(() -> fallBack ? java.util.Optional.of(store.globalLevel()) : java.util.Optional.empty())
                            .orElseThrow(() -> new SchemaRegistryException(404,
                                    SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                                    "Subject '" + p.get(1) + "' does not have subject-level compatibility configured"));
                    return JSON.createObjectNode().put("compatibilityLevel", level.name());
                }
                if (n == 2 && is(method, "PUT")) {
                    CompatibilityLevel level = CompatibilityLevel.parse(body.path("compatibility").asText());
                    store.subjectLevel(p.get(1), level);
                    return JSON.createObjectNode().put("compatibility", level.name());
                }
            }
            case "mode" -> {
                if (is(method, "GET")) {
                    return JSON.createObjectNode().put("mode", "READWRITE");
                }
            }
            default -> {
                // fall through to 404
            }
        }
        throw new SchemaRegistryException(404, 404, "HTTP 404 Not Found");
    }

    private static boolean is(String method, String expected) {
        return expected.equals(method);
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + text + " not found");
        }
    }

    private static void requireAvro(JsonNode body) {
        String type = body == null ? "AVRO" : body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Schema type " + type + " is not supported by this registry (AVRO only)");
        }
        if (body != null && body.path("references").size() > 0) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Schema references are not supported by this registry");
        }
    }

    private static String schemaText(JsonNode body) {
        if (body == null || !body.path("schema").isTextual()) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Request body must be a JSON object with a string field \"schema\"");
        }
        return body.path("schema").asText();
    }

    private static ObjectNode version(RegistryStore.Version v) {
        return JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()).put("id", v.id())
                .put("schema", v.schema());
    }

    private static JsonNode rawSchema(String schema) {
        try {
            return JSON.readTree(schema);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode array(List<?> items) {
        ArrayNode array = JSON.createArrayNode();
        items.forEach(i -> array.addPOJO(i));
        return array;
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static JsonNode readBody(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        if (bytes.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SchemaRegistryException(400, 400, "Request body is not JSON: " + e.getMessage());
        }
    }

    private static List<String> segments(String rawPath) {
        return java.util.Arrays.stream(rawPath.split("/"))
                .filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8))
                .toList();
    }

    private static void respond(HttpExchange exchange, int status, Object answer) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
