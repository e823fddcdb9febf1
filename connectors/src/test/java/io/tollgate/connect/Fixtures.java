package io.tollgate.connect;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchedCall;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

final class Fixtures {

    static final String SECRET = "pd-secret-123";

    private Fixtures() {
    }

    static Path credentials(Path dir) throws Exception {
        return Files.writeString(dir.resolve("credentials.properties"), "pipedrive/acme=" + SECRET + "\noauth/acme=oauth-secret-456\n");
    }

    static Map<String, String> config(String baseUrl, Path credentials) {
        Map<String, String> c = new HashMap<>();
        c.put(HttpDispatchSinkConfig.BASE_URL, baseUrl);
        c.put(HttpDispatchSinkConfig.CREDENTIALS_PATH, credentials.toString());
        c.put(HttpDispatchSinkConfig.RESULTS_BOOTSTRAP, "127.0.0.1:9");
        c.put(HttpDispatchSinkConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:9");
        c.put(HttpDispatchSinkConfig.REQUEST_TIMEOUT_MS, "1000");
        return c;
    }

    static ApiRequest.Builder request(String id) {
        return ApiRequest.newBuilder()
                .setRequestId(id).setAccount("acme").setCredentialRef("pipedrive/acme").setAuthKind(AuthKind.API_TOKEN)
                .setIntegration("crm").setMethod("GET").setPath("/v1/deals/1?include=notes").setApiVersion("v1")
                .setHeaders(new HashMap<>(Map.of("Accept", "application/json"))).setSubmittedAt(Instant.now());
    }

    static ByteBuffer body(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    static DispatchedCall dispatched(ApiRequest request, long executeAtMs, long jitterMs) {
        return DispatchedCall.newBuilder().setRequest(request).setDecidedAt(Instant.ofEpochMilli(executeAtMs - 300))
                .setExecuteAt(Instant.ofEpochMilli(executeAtMs)).setExpiresAt(Instant.ofEpochMilli(executeAtMs + jitterMs))
                .setAttempt(1).setCharges(List.of()).build();
    }
}
