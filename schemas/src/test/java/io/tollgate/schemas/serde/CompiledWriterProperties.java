package io.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.schemas.Samples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The compiled writer writes exactly the bytes of Avro's own writer, for every record Tollgate writes, filled
 * with random and hostile values: extreme numbers and instants, empty and huge strings, unpaired surrogates,
 * empty and large collections, every enum symbol, every branch of every union.
 */
class CompiledWriterProperties {

    private static final List<Schema> WRITTEN = List.of(ApiRequest.getClassSchema(), DispatchedCall.getClassSchema(),
            DispatchResult.getClassSchema(), DelayedCall.getClassSchema(), RejectedCall.getClassSchema(), Policy.getClassSchema(),
            Account.getClassSchema());

    @Property(tries = 200)
    void shouldWriteTheBytesOfAvrosSpecificWriter(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        for (Schema schema : WRITTEN) {
            Object datum = randomDatum(schema, random, 0);
            assertThat(write(new CompiledWriter(schema, AvroModel.INSTANCE), datum))
                    .as(schema.getName() + " from seed " + seed)
                    .isEqualTo(write(new SpecificDatumWriter<>(schema, AvroModel.INSTANCE), datum));
        }
    }

    @Property(tries = 100)
    void shouldWriteTheBytesOfAvrosGenericWriterForAGenericRecord(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        Schema schema = ApiRequest.getClassSchema();
        GenericData.Record record = new GenericData.Record(schema);
        IndexedRecord specific = (IndexedRecord) randomDatum(schema, random, 0);
        for (Schema.Field field : schema.getFields()) {
            Object value = specific.get(field.pos());
            // Without conversions, the generic model writes logical types as their raw longs.
            record.put(field.pos(), value instanceof Instant instant ? instant.toEpochMilli() : value instanceof Enum<?> e
                    ? new GenericData.EnumSymbol(field.schema(), e.name()) : value);
        }
        assertThat(write(new CompiledWriter(schema, GenericData.get()), record))
                .isEqualTo(write(new GenericDatumWriter<>(schema, GenericData.get()), record));
    }

    @Property(tries = 100)
    void shouldWriteTheSingleObjectEncodingOfTheGeneratedEncoder(@ForAll long seed) throws IOException {
        ApiRequest request = (ApiRequest) randomDatum(ApiRequest.getClassSchema(), new Random(seed), 0);

        byte[] written = new SingleObjectWriter<ApiRequest>(ApiRequest.getClassSchema()).write(request);

        assertThat(written).isEqualTo(ApiRequest.getEncoder().encode(request).array());
    }

    @Test
    void shouldRefuseARecordWithAMissingFieldNamingTheField() {
        ApiRequest request = Samples.apiRequest();
        request.setPath(null);

        assertThatThrownBy(() -> write(new CompiledWriter(ApiRequest.getClassSchema(), AvroModel.INSTANCE), request))
                .hasMessageContaining("Field path of io.tollgate.avro.ApiRequest");
    }

    @Test
    void shouldRefuseAValueOfAnotherTypeInAnOptionalFieldAsAvroDoes() {
        Schema schema = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"Answer\", \"fields\": "
                + "[{\"name\": \"status\", \"type\": [\"null\", \"int\"]}]}");
        GenericData.Record answer = new GenericData.Record(schema);
        answer.put("status", 429L); // a long is not an int, however small

        assertThatThrownBy(() -> write(new GenericDatumWriter<>(schema, GenericData.get()), answer))
                .isInstanceOf(org.apache.avro.UnresolvedUnionException.class);
        assertThatThrownBy(() -> write(new CompiledWriter(schema, GenericData.get()), answer))
                .isInstanceOf(org.apache.avro.AvroTypeException.class).hasMessageContaining("Field status of Answer")
                .hasRootCauseInstanceOf(org.apache.avro.UnresolvedUnionException.class);
    }

    private static byte[] write(DatumWriter<Object> writer, Object datum) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(datum, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    /** A value of {@code schema} as the generated classes hold it, with a bias towards the edges. */
    private static Object randomDatum(Schema schema, Random random, int depth) {
        if (schema.getLogicalType() != null && schema.getLogicalType().getName().equals("timestamp-millis")) {
            long[] edges = {Long.MIN_VALUE / 1000, -1, 0, 1, Long.MAX_VALUE / 1000, random.nextLong() / 1000};
            return Instant.ofEpochMilli(edges[random.nextInt(edges.length)]);
        }
        return switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) AvroModel.INSTANCE.newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), randomDatum(field.schema(), random, depth + 1));
                }
                yield record;
            }
            case ENUM -> AvroModel.INSTANCE.createEnum(schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())), schema);
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                int size = depth > 4 ? 0 : random.nextInt(random.nextInt(20) == 0 ? 50 : 4);
                for (int i = 0; i < size; i++) {
                    items.add(randomDatum(schema.getElementType(), random, depth + 1));
                }
                yield items;
            }
            case MAP -> {
                Map<String, Object> entries = new HashMap<>();
                int size = depth > 4 ? 0 : random.nextInt(random.nextInt(20) == 0 ? 50 : 4);
                for (int i = 0; i < size; i++) {
                    entries.put(randomString(random), randomDatum(schema.getValueType(), random, depth + 1));
                }
                yield entries;
            }
            case UNION -> randomDatum(schema.getTypes().get(random.nextInt(schema.getTypes().size())), random, depth + 1);
            case STRING -> randomString(random);
            case BYTES -> {
                byte[] bytes = new byte[random.nextInt(random.nextInt(10) == 0 ? 100_000 : 16)];
                random.nextBytes(bytes);
                // A buffer read part way: only what remains is written.
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                buffer.position(bytes.length == 0 ? 0 : random.nextInt(bytes.length));
                yield buffer;
            }
            case INT -> new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, random.nextInt()}[random.nextInt(6)];
            case LONG -> new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, random.nextLong()}[random.nextInt(6)];
            case FLOAT -> random.nextFloat();
            case DOUBLE -> new double[] {Double.NaN, Double.NEGATIVE_INFINITY, -0.0, Double.MAX_VALUE, random.nextDouble()}[random.nextInt(5)];
            case BOOLEAN -> random.nextBoolean();
            case NULL -> null;
            case FIXED -> throw new IllegalStateException("no fixed type in Tollgate's schemas");
        };
    }

    private static String randomString(Random random) {
        int length = random.nextInt(random.nextInt(100) == 0 ? 20_000 : 12);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(switch (random.nextInt(6)) {
                case 0 -> (char) ('a' + random.nextInt(26));
                case 1 -> '\u0000';
                case 2 -> (char) (0xD800 + random.nextInt(0x800)); // a surrogate, often unpaired
                case 3 -> 'ß';
                case 4 -> (char) random.nextInt(0x10000);
                default -> '/';
            });
        }
        return s.toString();
    }
}
