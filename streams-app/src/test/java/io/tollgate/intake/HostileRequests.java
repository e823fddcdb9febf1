package io.tollgate.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Hostile requests in each form the intake accepts: the generators of the intake properties. */
public final class HostileRequests {

    /** Planted where Tollgate must recognise a credential; it must never come out again. */
    public static final String SECRET = "SECRET-9f3b2c-never-echoed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = ApiRequest.getClassSchema().getFields().stream().map(f -> f.name()).toList();

    private HostileRequests() {
    }

    public static ApiRequest.Builder valid() {
        return ApiRequest.newBuilder().setRequestId("r1").setAccount("acme").setCredentialRef("cred-1").setAuthKind(AuthKind.API_TOKEN)
                .setIntegration("crm").setMethod("GET").setPath("/v1/deals/1").setHeaders(Map.of()).setSubmittedAt(Instant.parse("2026-11-30T10:00:00Z"));
    }


    /** JSON objects: a valid request with up to four fields set to hostile values, secrets where Tollgate must find them. */
    public static Arbitrary<byte[]> json() {
        Arbitrary<JsonNode> value = Arbitraries.oneOf(
                Hostile.strings().map(NODES::textNode),
                Hostile.longs().map(NODES::numberNode),
                Arbitraries.of(NODES.numberNode(new BigInteger("99999999999999999999999")), NODES.numberNode(1e308), NODES.numberNode(-0.5),
                        NODES.booleanNode(true), NODES.nullNode(), NODES.arrayNode().add(1), NODES.objectNode().put("x", "y"),
                        NODES.textNode("+300000000-01-01T00:00:00Z"), NODES.textNode("-999999999-01-01T00:00:00Z"),
                        NODES.textNode("2026-11-30T10:00:00Z"), NODES.textNode("/v1/%2e%2E/deals"), NODES.textNode("FETCH")));
        // Secrets where Tollgate is to recognise them: in the query (however encoded) and in headers.
        Arbitrary<Map.Entry<String, JsonNode>> secret = Arbitraries.of(
                Map.entry("path", NODES.textNode("/v1/deals?api_token=" + SECRET)),
                Map.entry("path", NODES.textNode("/v1/deals#api_token=" + SECRET)),
                Map.entry("path", NODES.textNode("/v1/deals?x=1&Api%5FToken=" + SECRET)),
                Map.entry("headers", headers("Authorization", "Bearer " + SECRET)),
                Map.entry("headers", headers("X-Custom", SECRET + "\r\n")),
                Map.entry("headers", headers("X-Custom", SECRET + "\u0100")),
                Map.entry("headers", headers("Bad Name", "v")),
                Map.entry("headers", headers("Host", "evil")),
                Map.entry("headers", headers("X-Tollgate-Slot", "1")));
        Arbitrary<Map.Entry<String, JsonNode>> oneChange = Arbitraries.oneOf(Combinators.combine(Arbitraries.of(FIELDS), value).as(Map::entry), secret);
        Arbitrary<Map<String, JsonNode>> changes = oneChange.list().ofMaxSize(4).map(list -> {
                    Map<String, JsonNode> m = new LinkedHashMap<>();
                    list.forEach(e -> m.put(e.getKey(), e.getValue()));
                    return m;
                });
        return Combinators.combine(changes, Arbitraries.of(true, false, false, false), Hostile.strings()).as((change, extra, name) -> {
            ObjectNode root = NODES.objectNode().put("request_id", "r1").put("account", "acme").put("credential_ref", "cred-1")
                    .put("auth_kind", "API_TOKEN").put("integration", "crm").put("method", "GET").put("path", "/v1/deals/1");
            change.forEach(root::set);
            if (extra) {
                root.put(name, 1);
            }
            try {
                return JSON.writeValueAsBytes(root);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static JsonNode headers(String name, String value) {
        return NODES.objectNode().put(name, value);
    }

    /** A valid request with up to four of its fields set to hostile values of the schema's types. */
    public static Arbitrary<ApiRequest> avro() {
        // Secrets only where Tollgate is to recognise them: under a credential header, or in a value no header may hold.
        Arbitrary<Map<String, String>> headers = Arbitraries.oneOf(Arbitraries.maps(Hostile.strings(), Hostile.strings()).ofMaxSize(3),
                Arbitraries.of(Map.of("Authorization", "Bearer " + SECRET), Map.of("x-api-key", SECRET), Map.of("X-Custom", SECRET + "\r\n"),
                        Map.of("X-Custom", SECRET + "\0")));
        Arbitrary<java.util.function.Consumer<ApiRequest>> change = Arbitraries.oneOf(
                Hostile.strings().map(v -> r -> r.setRequestId(v)),
                Hostile.strings().map(v -> r -> r.setAccount(v)),
                Hostile.strings().map(v -> r -> r.setCredentialRef(v)),
                Hostile.strings().map(v -> r -> r.setIntegration(v)),
                Hostile.strings().map(v -> r -> r.setMethod(v)),
                Hostile.strings().map(v -> r -> r.setPath(v)),
                Hostile.strings().map(v -> r -> r.setUser(v)),
                Hostile.strings().map(v -> r -> r.setApiVersion(v)),
                Hostile.strings().map(v -> r -> r.setCategory(v)),
                Hostile.strings().map(v -> r -> r.setVendor(v)),
                Hostile.ints().map(v -> r -> r.setCost(v)),
                Hostile.ints().map(v -> r -> r.setPriority(v)),
                Hostile.instants().map(v -> r -> r.setSubmittedAt(v)),
                Hostile.instants().map(v -> r -> r.setDeadline(v)),
                headers.map(v -> r -> r.setHeaders(new LinkedHashMap<>(v))),
                Hostile.bytes().map(v -> r -> r.setBody(ByteBuffer.wrap(v))));
        return change.list().ofMaxSize(4).map(changes -> {
            ApiRequest r = valid().build();
            changes.forEach(c -> c.accept(r));
            return r;
        });
    }

    /** Random bytes, framed or not, valid records with a byte changed, and lengths that claim more than is there. */
    public static Arbitrary<byte[]> bytes(byte[] schemaHeader, java.util.function.Function<ApiRequest, byte[]> serialize) {
        Arbitrary<byte[]> framed = Hostile.bytes().map(tail -> {
            byte[] out = Arrays.copyOf(schemaHeader, schemaHeader.length + tail.length);
            System.arraycopy(tail, 0, out, schemaHeader.length, tail.length);
            return out;
        });
        Arbitrary<byte[]> flipped = Combinators.combine(Arbitraries.integers().between(5, 60), Arbitraries.bytes()).as((at, b) -> {
            byte[] valid = serialize.apply(valid().setPath("/v1/deals?x=" + SECRET.substring(0, 6)).build());
            valid[Math.min(at, valid.length - 1)] = b;
            return valid;
        });
        // A string length that claims far more bytes than the record holds.
        Arbitrary<byte[]> lying = Arbitraries.of(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
                new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x7f}).map(tail -> {
                    byte[] out = Arrays.copyOf(schemaHeader, schemaHeader.length + tail.length);
                    System.arraycopy(tail, 0, out, schemaHeader.length, tail.length);
                    return out;
                });
        return Arbitraries.oneOf(Hostile.bytes(), framed, flipped, lying,
                Arbitraries.of("{".getBytes(), "[]".getBytes(), " {}".getBytes(), "{\"a\":".repeat(2000).getBytes(), new byte[0]));
    }
}
