package io.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.avro.Charge;
import io.tollgate.avro.DispatchedCall;
import java.time.Instant;
import java.util.List;
import io.tollgate.schemas.Samples;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A few hostile bytes must never make the decoder allocate what their length prefixes claim. */
class AvroBoundsCheckTest {

    private static InProcessSchemaRegistry registry;
    private static AvroSerializer<SpecificRecord> writer;
    private static AvroDeserializer<DispatchedCall> reader;

    @BeforeAll
    static void start() {
        registry = InProcessSchemaRegistry.start(0);
        SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
        writer = new AvroSerializer<>(client, true);
        reader = new AvroDeserializer<>(client, DispatchedCall.class);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static DispatchedCall dispatched() {
        return DispatchedCall.newBuilder().setRequest(Samples.apiRequest()).setDecidedAt(Instant.ofEpochMilli(1_790_000_000_000L))
                .setExecuteAt(Instant.ofEpochMilli(1_790_000_000_300L)).setExpiresAt(Instant.ofEpochMilli(1_790_000_000_400L))
                .setCharges(List.of(new Charge("burst", "credential:x", 1L, 20L, 19L, null, false))).build();
    }

    @Test
    void shouldRefuseALengthThatClaimsMoreThanTheRecordHolds() {
        byte[] valid = writer.serialize("t", dispatched());
        // The first field is the request's request_id, a string: claim a gigabyte for it (zig-zag varint).
        byte[] lying = Arrays.copyOf(valid, WireFormat.HEADER_SIZE + 5);
        System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, 0, lying, WireFormat.HEADER_SIZE, 5);

        assertThatThrownBy(() -> reader.deserialize("t", lying))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("a length of 1073741824 is more than the 0 bytes left");
    }

    @Test
    void shouldReadEveryValidRecordAndRefuseEveryCorruptedOneWithoutAnotherException() {
        byte[] valid = writer.serialize("t", dispatched());
        assertThat(reader.deserialize("t", valid)).isEqualTo(dispatched());
        Random random = new Random(42);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] corrupt = valid.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                corrupt[WireFormat.HEADER_SIZE + random.nextInt(corrupt.length - WireFormat.HEADER_SIZE)] = (byte) random.nextInt();
            }
            try {
                reader.deserialize("t", corrupt);
            } catch (WireFormatException e) {
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(1000);
    }
}
