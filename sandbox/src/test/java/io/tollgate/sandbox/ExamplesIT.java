package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.config.TollgateConfig;
import io.tollgate.sandbox.vendor.VendorCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The examples in {@code examples/} work as their READMEs say, against the whole path (limiter, Connect
 * worker, simulated vendor): Confluent's Python client sends a call as Avro through the registry and as
 * JSON, and gets its outcome back by request id; kcat sends JSON lines. {@code .ci/run} installs Debian's
 * python3-confluent-kafka and kcat, so under CI these must run.
 */
class ExamplesIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        boolean python = Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import confluent_kafka.avro, avro")).exitCode() == 0;
        boolean kcat = Files.isExecutable(Path.of("/usr/bin/kcat"));
        if (System.getenv("CI") != null && !(python && kcat)) {
            throw new IllegalStateException("CI must install python3-confluent-kafka, python3-avro and kcat");
        }
        Assumptions.assumeTrue(python && kcat, "Debian's python3-confluent-kafka or kcat is not installed");
        sandbox = Sandbox.start(Map.of(TollgateConfig.REST_PORT, "0"), Map.of(), 5);
    }

    @AfterAll
    static void stop() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void shouldShipThePythonExampleTheSchemaThisReleaseWrites() throws IOException {
        Path file = ROOT.resolve("examples/python/ApiRequest.avsc");
        String schema = ApiRequest.getClassSchema().toString(true) + "\n";
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(file, schema);
        }
        assertThat(new Schema.Parser().parse(Files.readString(file))).as("%s is ApiRequest's schema (regenerate with -Ddocs.update=true)",
                file).isEqualTo(ApiRequest.getClassSchema());
    }

    @Test
    void shouldSendACallFromPythonAsAvroAndAsJsonAndGetItsOutcome() throws Exception {
        for (List<String> format : List.of(List.<String>of(), List.of("--json"))) {
            List<String> command = new ArrayList<>(List.of(PYTHON.toString(), ROOT.resolve("examples/python/send_and_wait.py").toString(),
                    "--bootstrap-servers", sandbox.bootstrapServers(), "--schema-registry", sandbox.registryUrl(), "--timeout", "90"));
            command.addAll(format);

            Result result = run(command);

            assertThat(result.exitCode()).as("%s: %s", format, result.output()).isZero();
            assertThat(result.output()).as(format.toString()).contains("\"outcome\": \"SUCCESS\"").contains("\"status\": 200");
        }
    }

    @Test
    void shouldSendJsonLinesWithKcat() throws Exception {
        Result result = run(List.of(ROOT.resolve("examples/kcat/send.sh").toString(), sandbox.bootstrapServers()));

        assertThat(result.exitCode()).as(result.output()).isZero();
        String run = result.output().replaceAll("(?s).*sent (kcat-[0-9]+-[0-9]+)-1 .*", "$1");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.vendor().calls().stream()
                .map(VendorCall::requestId).filter(id -> id.startsWith(run + "-")).count() == 3);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within 150 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
