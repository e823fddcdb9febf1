package io.tollgate.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.Excerpt;
import io.tollgate.schemas.request.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of an {@link ApiRequest}, for kcat, scripts and quick tests. Field names are the Avro
 * field names; times are ISO-8601 strings or epoch milliseconds; {@code body} is a string or any JSON
 * value (sent as its JSON text). Unknown fields are errors, so a typo is not silently ignored.
 */
public final class JsonRequestReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> FIELDS = ApiRequest.getClassSchema().getFields().stream()
            .map(org.apache.avro.Schema.Field::name).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private JsonRequestReader() {
    }

    /** Parses JSON into a request; throws {@link InvalidRequestException} naming the field. */
    public static ApiRequest read(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the input, which may hold anything: name only what failed and where.
            throw new InvalidRequestException(RejectReason.UNDECODABLE, "not valid JSON (" + e.getClass().getSimpleName() + ")"
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (java.io.IOException e) {
            throw new InvalidRequestException(RejectReason.UNDECODABLE, "not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException(RejectReason.UNDECODABLE, "a JSON request must be an object");
        }
        try {
            return fromObject(root);
        } catch (InvalidRequestException e) {
            throw e.withIds(textOrNull(root, "request_id"), textOrNull(root, "account"));
        }
    }

    private static String textOrNull(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static ApiRequest fromObject(JsonNode root) {
        Iterator<String> names = root.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "unknown field " + Excerpt.quote(name) + "; fields are "
                        + new java.util.TreeSet<>(FIELDS));
            }
        }
        return ApiRequest.newBuilder()
                .setRequestId(text(root, "request_id", true))
                .setAccount(text(root, "account", true))
                .setCredentialRef(text(root, "credential_ref", true))
                .setAuthKind(authKind(root))
                .setUser(text(root, "user", false))
                .setIntegration(text(root, "integration", true))
                .setVendor(text(root, "vendor", false))
                .setMethod(text(root, "method", true).toUpperCase(Locale.ROOT))
                .setPath(text(root, "path", true))
                .setApiVersion(text(root, "api_version", false))
                .setCategory(text(root, "category", false))
                .setCost(integer(root, "cost"))
                .setPriority(root.hasNonNull("priority") ? integer(root, "priority") : 0)
                .setDeadline(time(root, "deadline", false))
                .setBody(body(root.get("body")))
                .setHeaders(headers(root.get("headers")))
                .setSubmittedAt(root.hasNonNull("submitted_at") ? time(root, "submitted_at", true) : Instant.now())
                .build();
    }

    private static String text(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "field '" + field + "' is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "field '" + field + "' must be a string, got " + node.getNodeType());
        }
        return node.asText();
    }

    private static Integer integer(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "field '" + field + "' must be a whole number from "
                    + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ", got " + Excerpt.quote(node.toString()));
        }
        return node.asInt();
    }

    private static AuthKind authKind(JsonNode root) {
        String value = text(root, "auth_kind", true);
        try {
            return AuthKind.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "field 'auth_kind' must be one of "
                    + List.of(AuthKind.values()) + ", got " + Excerpt.quote(value));
        }
    }

    private static Instant time(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "field '" + field + "' is required");
            }
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        try {
            if (node.isTextual()) {
                return Instant.parse(node.asText());
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "field '" + field
                + "' must be an ISO-8601 instant (2026-11-22T10:00:00Z) or epoch milliseconds, got " + Excerpt.quote(node.toString()));
    }

    private static ByteBuffer body(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String text = node.isTextual() ? node.asText() : node.toString();
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(JsonNode node) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return headers;
        }
        if (!node.isObject()) {
            throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "field 'headers' must be an object of strings");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "header " + Excerpt.quote(e.getKey()) + " must be a string");
            }
            headers.put(e.getKey(), e.getValue().asText());
        });
        return headers;
    }
}
