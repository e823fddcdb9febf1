package io.tollgate.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer: status, content type, body and any extra headers. */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    public static Reply json(int status, Object body) {
        try {
            return new Reply(status, "application/json", JSON.writeValueAsBytes(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answer cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static Reply text(int status, String contentType, String body) {
        return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Reply error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    /** 503 with Retry-After: the answer exists, but not now (a rebalance, a start). */
    public static Reply unavailable(String message) {
        return error(503, message).withHeader("Retry-After", "1");
    }

    public Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, more);
    }
}
