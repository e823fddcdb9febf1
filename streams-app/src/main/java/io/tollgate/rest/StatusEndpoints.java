package io.tollgate.rest;

import io.tollgate.app.Health;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** Health, readiness, the API's own description and the answer to an unknown path. */
final class StatusEndpoints {

    static final String ENDPOINTS = "/dashboard/, /health, /ready, /metrics, /openapi.yaml, /accounts, /accounts/{id}/usage, "
            + "/accounts/{id}/usage/today?by=, /accounts/{id}/calls?limit=, /accounts/{id}/queue, /policies/{id}";

    private StatusEndpoints() {
    }

    /** Liveness ({@code live}: 503 when the app cannot make progress) or readiness (503 while it decides no calls). */
    static Reply health(Health.Status status, boolean live) {
        boolean ok = live ? status.live() : status.ready();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? "UP" : "DOWN");
        body.put("streams", status.streams());
        body.put("problems", status.problems());
        Reply reply = Reply.json(ok ? 200 : 503, body);
        return ok ? reply : reply.withHeader("Retry-After", "1");
    }

    static Reply openApi() throws IOException {
        try (InputStream in = StatusEndpoints.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                return Reply.error(500, "openapi.yaml is missing from the build");
            }
            return new Reply(200, "application/yaml", in.readAllBytes(), Map.of());
        }
    }

    static Reply notFound() {
        return Reply.error(404, "no such endpoint; there are " + ENDPOINTS);
    }
}
