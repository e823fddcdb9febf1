package io.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.avro.ApiRequest;
import io.tollgate.schemas.Samples;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte compatibility with an independent implementation: Debian's python3-confluent-kafka and
 * python3-avro write records that Tollgate's serde reads, and read records that it writes, through
 * the in-process registry. {@code .ci/run} installs both packages, so under CI the test must run.
 */
class PythonConfluentInteropTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/test/python/confluent_interop.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static InProcessSchemaRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        boolean available = Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c",
                "import confluent_kafka.avro, avro, requests")).exitCode == 0;
        if (System.getenv("CI") != null && !available) {
            throw new IllegalStateException("CI must install python3-confluent-kafka, python3-avro and python3-requests");
        }
        Assumptions.assumeTrue(available, "Debian's python3-confluent-kafka/python3-avro are not installed");
        registry = InProcessSchemaRegistry.start(0);
        client = new SchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void shouldReadWhatPythonConfluentClientWrites(@TempDir Path dir) throws Exception {
        Path schema = Files.writeString(dir.resolve("ApiRequest.avsc"), ApiRequest.getClassSchema().toString());
        Path record = Files.writeString(dir.resolve("record.json"), JSON.writeValueAsString(asJson(Samples.apiRequest())));

        Result encoded = run(List.of(PYTHON.toString(), SCRIPT.toString(), "encode", registry.url(),
                "py.requests", schema.toString(), record.toString()));
        assertThat(encoded.exitCode).as(encoded.output).isZero();
        byte[] bytes = HexFormat.of().parseHex(encoded.output.trim());

        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(client.subjects()).contains("py.requests-value");
        assertThat(new AvroDeserializer<>(client, ApiRequest.class).deserialize("py.requests", bytes))
                .isEqualTo(Samples.apiRequest());
    }

    @Test
    void shouldWriteWhatPythonConfluentClientReads() throws Exception {
        byte[] bytes = new AvroSerializer<ApiRequest>(client, true).serialize("java.requests", Samples.apiRequest());

        Result decoded = run(List.of(PYTHON.toString(), SCRIPT.toString(), "decode", registry.url(),
                HexFormat.of().formatHex(bytes)));

        assertThat(decoded.exitCode).as(decoded.output).isZero();
        assertThat(JSON.readTree(decoded.output)).isEqualTo(asJson(Samples.apiRequest()));
    }

    /** The exchange format of the script: epoch millis for timestamps, latin-1 text for bytes. */
    private static JsonNode asJson(ApiRequest request) {
        ObjectNode node = JSON.createObjectNode();
        node.put("request_id", request.getRequestId()).put("account", request.getAccount())
                .put("credential_ref", request.getCredentialRef()).put("auth_kind", request.getAuthKind().name())
                .put("user", request.getUser()).put("integration", request.getIntegration())
                .put("vendor", request.getVendor()).put("method", request.getMethod()).put("path", request.getPath())
                .put("api_version", request.getApiVersion()).putNull("category").put("cost", request.getCost())
                .put("priority", request.getPriority()).put("deadline", request.getDeadline().toEpochMilli())
                .put("body", new String(request.getBody().duplicate().array(), StandardCharsets.ISO_8859_1))
                .put("submitted_at", request.getSubmittedAt().toEpochMilli());
        node.set("headers", JSON.valueToTree(request.getHeaders()));
        return node;
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs a command; stdout is the answer, stderr (warnings, tracebacks) only explains a failure. */
    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("python", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + command);
            }
            String stdout = new String(out, StandardCharsets.UTF_8);
            return new Result(process.exitValue(), process.exitValue() == 0 ? stdout : stdout + Files.readString(errors));
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
