package io.tollgate.schemas;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Records with every field set, for round trips. */
public final class Samples {

    private Samples() {
    }

    public static ApiRequest apiRequest() {
        return ApiRequest.newBuilder()
                .setRequestId("req-1")
                .setAccount("acme")
                .setCredentialRef("pipedrive/acme-main")
                .setAuthKind(AuthKind.OAUTH)
                .setUser("user-7")
                .setIntegration("crm-sync")
                .setVendor("pipedrive")
                .setMethod("PATCH")
                .setPath("/api/v2/deals/42?include=notes")
                .setApiVersion("v2")
                .setCategory(null)
                .setCost(5)
                .setPriority(3)
                .setDeadline(Instant.ofEpochMilli(1_790_000_060_000L))
                .setBody(ByteBuffer.wrap("{\"title\":\"Größer\"}".getBytes(StandardCharsets.UTF_8)))
                .setHeaders(Map.of("content-type", "application/json"))
                .setSubmittedAt(Instant.ofEpochMilli(1_790_000_000_000L))
                .build();
    }
}
