package io.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.Charge;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.schemas.Samples;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static InProcessSchemaRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void startRegistry() {
        registry = InProcessSchemaRegistry.start(0);
        client = new SchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldRoundTripEveryFieldAndRegisterUnderTopicValueSubject() {
        AvroSerde<ApiRequest> serde = new AvroSerde<>(client, ApiRequest.class);
        ApiRequest original = Samples.apiRequest();

        byte[] bytes = serde.serializer().serialize("t1.requests", original);

        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(client.subjects()).contains("t1.requests-value");
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(client.latest("t1.requests-value").id());
        assertThat(serde.deserializer().deserialize("t1.requests", bytes)).isEqualTo(original);
    }

    @Test
    void shouldRoundTripNestedRecordsWhenConfiguredReflectivelyLikeConfluentSerde() {
        AvroSerde<DispatchedCall> serde = new AvroSerde<>();
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
        DispatchedCall call = DispatchedCall.newBuilder()
                .setRequest(Samples.apiRequest())
                .setDecidedAt(Instant.ofEpochMilli(1000)).setExecuteAt(Instant.ofEpochMilli(1300))
                .setExpiresAt(Instant.ofEpochMilli(1400)).setAttempt(2)
                .setCharges(List.of(Charge.newBuilder().setRuleId("burst").setSubject("credential:x").setUnits(1)
                        .setLimit(20).setRemaining(19).setResetAt(Instant.ofEpochMilli(3300)).build()))
                .build();

        byte[] bytes = serde.serializer().serialize("t2.dispatch", call);

        // Recursive: Avro's generated equals() cannot compare logical types inside arrays.
        assertThat(serde.deserializer().deserialize("t2.dispatch", bytes)).usingRecursiveComparison().isEqualTo(call);
    }

    @Test
    void shouldReadRecordWrittenWithOlderSchemaIntoCurrentClass() throws Exception {
        // An older producer that knows neither "vendor", "category" nor "deadline".
        Schema current = ApiRequest.getClassSchema();
        List<Schema.Field> kept = current.getFields().stream()
                .filter(f -> !List.of("vendor", "category", "deadline").contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        Schema older = Schema.createRecord(current.getName(), null, current.getNamespace(), false, kept);
        GenericRecord record = new GenericData.Record(older);
        ApiRequest sample = Samples.apiRequest();
        for (Schema.Field f : older.getFields()) {
            record.put(f.name(), GenericData.get().deepCopy(f.schema(), sample.get(f.name())));
        }
        record.put("submitted_at", 1_790_000_000_000L);
        int id = client.register("t3.requests-value", older);

        ApiRequest read = new AvroDeserializer<>(client, ApiRequest.class)
                .deserialize("t3.requests", frame(id, older, record));

        assertThat(read.getRequestId()).isEqualTo("req-1");
        assertThat(read.getVendor()).isNull();
        assertThat(read.getDeadline()).isNull();
        assertThat(read.getSubmittedAt()).isEqualTo(Instant.ofEpochMilli(1_790_000_000_000L));
    }

    @Test
    void shouldNameUnknownSchemaIdWhenRegistryDoesNotKnowIt() {
        byte[] bytes = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(0).array();

        assertThatThrownBy(() -> new AvroDeserializer<>(client, ApiRequest.class).deserialize("t", bytes))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(WireFormatException.Kind.UNKNOWN_SCHEMA))
                .hasMessageContaining("987654");
    }

    @Test
    void shouldRefuseBytesWithoutMagicByte() {
        assertThatThrownBy(() -> new AvroDeserializer<>(client, ApiRequest.class).deserialize("t", "{\"a\":1}".getBytes()))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(WireFormatException.Kind.NOT_FRAMED))
                .hasMessageContaining("magic byte 0x7b");
        assertThatThrownBy(() -> new AvroDeserializer<>(client, ApiRequest.class).deserialize("t", new byte[] {0, 0}))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(WireFormatException.Kind.NOT_FRAMED));
    }

    @Test
    void shouldReportUndecodableWhenPayloadIsTruncated() {
        byte[] good = new AvroSerde<>(client, ApiRequest.class).serializer().serialize("t4", Samples.apiRequest());
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 20);

        assertThatThrownBy(() -> new AvroDeserializer<>(client, ApiRequest.class).deserialize("t4", truncated))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(WireFormatException.Kind.UNDECODABLE));
    }

    @Test
    void shouldRefuseRecordOfAnotherType() {
        byte[] charge = new AvroSerializer<Charge>(client, true).serialize("t5",
                Charge.newBuilder().setRuleId("r").setSubject("s").setUnits(1).setLimit(1).setRemaining(0).build());

        assertThatThrownBy(() -> new AvroDeserializer<>(client, ApiRequest.class).deserialize("t5", charge))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("io.tollgate.avro.Charge");
    }

    static byte[] frame(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.header(id));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
