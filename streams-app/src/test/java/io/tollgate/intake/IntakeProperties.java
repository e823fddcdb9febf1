package io.tollgate.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.request.RequestValidator;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerializer;
import io.tollgate.topology.Records;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.avro.specific.SpecificRecord;

/**
 * The intake boundary: any bytes, any JSON and any Avro value that fits the schema become either a
 * request every later step can handle (its times fit in epoch milliseconds, it serializes again, the
 * engine can read it) or a reason, short and free of the secret it may have carried. Nothing throws.
 */
class IntakeProperties {

    private static final String SECRET = HostileRequests.SECRET;

    private static InProcessSchemaRegistry registry;
    private static AvroSerializer<SpecificRecord> serializer;
    private static RequestDecoder decoder;
    private static byte[] schemaHeader;

    @BeforeContainer
    static void start() {
        registry = InProcessSchemaRegistry.start(0);
        SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
        serializer = new AvroSerializer<>(client, true);
        decoder = new RequestDecoder(new AvroDeserializer<>(client, ApiRequest.class), 256 * 1024);
        schemaHeader = Arrays.copyOf(serializer.serialize("tollgate.requests", HostileRequests.valid().build()), 5);
    }

    @AfterContainer
    static void stop() {
        registry.close();
    }

    @Property(tries = 400)
    void shouldTurnAnyJsonIntoARequestEveryStepCanHandleOrIntoAReason(@ForAll("hostileJson") byte[] json) {
        Decoded<ApiRequest> decoded = decoder.decode("tollgate.requests", "acme", json);
        check(decoded, json);
        Statistics.label("outcome").collect(decoded instanceof Decoded.Failed<ApiRequest> f ? f.failure().code().name() : "OK");
        Statistics.label("outcome").coverage(c -> {
            c.check("OK").count(n -> n > 20);
            c.check("INVALID_REQUEST").count(n -> n > 20);
            c.check("SECRET_IN_REQUEST").count(n -> n > 10);
        });
    }

    @Property(tries = 400)
    void shouldTurnAnyAvroValueOfTheSchemaIntoARequestOrAReason(@ForAll("hostileAvro") ApiRequest request) {
        byte[] bytes = serializer.serialize("tollgate.requests", request);
        Decoded<ApiRequest> decoded = decoder.decode("tollgate.requests", request.getAccount(), bytes);
        check(decoded, bytes);
        Statistics.label("outcome").collect(decoded instanceof Decoded.Failed<ApiRequest> f ? f.failure().code().name() : "OK");
        Statistics.label("outcome").coverage(c -> {
            c.check("OK").count(n -> n > 20);
            c.check("INVALID_REQUEST").count(n -> n > 20);
        });
    }

    @Property(tries = 400)
    void shouldTurnAnyBytesIntoAReasonWithoutThrowing(@ForAll("hostileBytes") byte[] bytes) {
        check(decoder.decode("tollgate.requests", "acme", bytes), bytes);
    }

    private static void check(Decoded<ApiRequest> decoded, byte[] input) {
        if (decoded instanceof Decoded.Ok<ApiRequest> ok) {
            ApiRequest r = ok.value();
            assertThat(RequestValidator.accept(ApiRequest.newBuilder(r).build())).as("accepting twice changes nothing").isEqualTo(r);
            assertThat(serializer.serialize("tollgate.requests-routed", r)).isNotEmpty();
            assertThat(Records.toCall(r).pathWithoutQuery()).startsWith("/");
            assertThat(r.getSubmittedAt()).isBetween(RequestValidator.EARLIEST, RequestValidator.LATEST);
            assertThat(r.toString()).doesNotContain(SECRET);
            return;
        }
        Decoded.Failed<ApiRequest> failed = (Decoded.Failed<ApiRequest>) decoded;
        assertThat(failed.failure().code()).isNotNull();
        assertThat(failed.failure().detail()).isNotBlank().hasSizeLessThan(600).doesNotContain(SECRET);
        if (failed.request() != null) {
            assertThat(serializer.serialize("tollgate.rejected", failed.request())).isNotEmpty();
            assertThat(failed.request().toString()).doesNotContain(SECRET);
        }
        if (new String(input, StandardCharsets.ISO_8859_1).contains(SECRET) && failed.failure().code() == RejectReason.SECRET_IN_REQUEST) {
            assertThat(failed.request()).isNull();
        }
    }

    @Provide
    Arbitrary<byte[]> hostileJson() {
        return HostileRequests.json();
    }

    @Provide
    Arbitrary<ApiRequest> hostileAvro() {
        return HostileRequests.avro();
    }

    @Provide
    Arbitrary<byte[]> hostileBytes() {
        return HostileRequests.bytes(schemaHeader, r -> serializer.serialize("tollgate.requests", r));
    }
}
