package io.tollgate.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client for the Confluent Schema Registry REST API (also served by {@link InProcessSchemaRegistry}).
 *
 * <p>Ids and schemas never change once assigned, so both directions are cached for the life of the
 * client: a serializer asks the registry once per subject and schema, a deserializer once per id.
 * Several comma-separated URLs may be given; each call tries them in turn until one answers.
 */
public final class SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** A registered version of a subject. */
    public record SchemaVersion(String subject, int version, int id, Schema schema) {
    }

    public SchemaRegistryClient(String urls) {
        this(urls, Duration.ofSeconds(10));
    }

    public SchemaRegistryClient(String urls, Duration requestTimeout) {
        if (urls == null || urls.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url is empty: give the registry's base URL, e.g. http://127.0.0.1:8081");
        }
        this.baseUrls = Arrays.stream(urls.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s))
                .toList();
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public List<URI> baseUrls() {
        return baseUrls;
    }

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    public int register(String subject, Schema schema) {
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = answer.path("id").asInt();
        remember(subject, schema, id);
        return id;
    }

    /** The id of {@code schema} under {@code subject}, without registering it. */
    public int idOf(String subject, Schema schema) {
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        SchemaVersion found = toVersion(call("POST", "/subjects/" + encode(subject), schemaBody(schema)));
        remember(subject, schema, found.id());
        return found.id();
    }

    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "Schema id " + id + " is of type " + type + ", not AVRO");
        }
        Schema schema = parse(answer.path("schema").asText());
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    public SchemaVersion latest(String subject) {
        return toVersion(call("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    public SchemaVersion version(String subject, int version) {
        return toVersion(call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null));
    }

    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(n -> versions.add(n.asInt()));
        return versions;
    }

    /** Whether {@code schema} could be registered under {@code subject}; true for a new subject. */
    public boolean isCompatible(String subject, Schema schema) {
        try {
            return call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema))
                    .path("is_compatible").asBoolean();
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    public CompatibilityLevel compatibility() {
        return CompatibilityLevel.parse(call("GET", "/config", null).path("compatibilityLevel").asText());
    }

    public void setCompatibility(CompatibilityLevel level) {
        call("PUT", "/config", JSON.createObjectNode().put("compatibility", level.name()));
    }

    public void setCompatibility(String subject, CompatibilityLevel level) {
        call("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level.name()));
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static SchemaVersion toVersion(JsonNode node) {
        return new SchemaVersion(node.path("subject").asText(), node.path("version").asInt(),
                node.path("id").asInt(), parse(node.path("schema").asText()));
    }

    private static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "Registry returned a schema that does not parse: " + e.getMessage());
        }
    }

    /** Percent-encodes one path segment (URLEncoder is for forms: it would turn spaces into '+'). */
    static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private JsonNode call(String method, String path, JsonNode body) {
        IOException lastFailure = null;
        for (URI base : baseUrls) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(requestTimeout)
                    .header("Accept", CONTENT_TYPE + ", application/json");
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
            }
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return answer(method, path, response);
            } catch (IOException e) {
                lastFailure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while calling the schema registry", e);
            }
        }
        throw new SchemaRegistryException("Schema registry at " + baseUrls + " is unreachable: " + lastFailure, lastFailure);
    }

    private static JsonNode answer(String method, String path, HttpResponse<String> response) {
        JsonNode node;
        try {
            node = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException(response.statusCode(), -1,
                    "Schema registry answered " + method + " " + path + " with a body that is not JSON (status "
                            + response.statusCode() + ")");
        }
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException(response.statusCode(), node.path("error_code").asInt(response.statusCode()),
                    node.path("message").asText("HTTP " + response.statusCode()) + " (" + method + " " + path + ")");
        }
        return node;
    }
}
