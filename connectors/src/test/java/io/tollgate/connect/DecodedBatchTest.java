package io.tollgate.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.avro.DispatchedCall;
import io.tollgate.schemas.serde.WireFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class DecodedBatchTest {

    private static final DispatchedCall CALL = Fixtures.dispatched(Fixtures.request("r1").build(), 1_000, 100);

    private final List<Long> decodedOffsets = new ArrayList<>();

    private static SinkRecord record(long offset, String value) {
        return new SinkRecord("tollgate.dispatch", 0, null, "acme", null, value.getBytes(), offset);
    }

    /** Decodes "ok" to a call; anything else fails with the kind it names. */
    private final Function<SinkRecord, DispatchedCall> decoder = record -> {
        decodedOffsets.add(record.kafkaOffset());
        String value = new String((byte[]) record.value());
        if (value.equals("ok")) {
            return CALL;
        }
        throw new WireFormatException(WireFormatException.Kind.valueOf(value), "cannot read " + value, null);
    };

    @Test
    void shouldStopBeforeAnyCallOfTheBatchWhenARecordCannotBeDecodedAndThereIsNoDeadLetterQueue() {
        List<SinkRecord> batch = List.of(record(7, "ok"), record(8, "UNKNOWN_SCHEMA"), record(9, "ok"));

        assertThatThrownBy(() -> DecodedBatch.decode(batch, decoder, false))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("tollgate.dispatch-0@8").hasMessageContaining("no dead letter queue");
        assertThat(decodedOffsets).as("nothing past the bad record is looked at, and nothing was handed out").containsExactly(7L, 8L);
    }

    @Test
    void shouldAskForTheWholeBatchAgainWhenTheRegistryIsAway() {
        List<SinkRecord> batch = List.of(record(7, "ok"), record(8, "REGISTRY_UNAVAILABLE"));

        assertThatThrownBy(() -> DecodedBatch.decode(batch, decoder, true)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("schema registry unavailable");
    }

    @Test
    void shouldKeepTheOrderOfTheBatchWithItsUndecodableRecordsForTheDeadLetterQueue() {
        List<SinkRecord> batch = List.of(record(7, "ok"), record(8, "UNDECODABLE"), record(9, "ok"));

        List<DecodedBatch.Entry> entries = DecodedBatch.decode(batch, decoder, true);

        assertThat(entries).extracting(e -> e.record().kafkaOffset()).containsExactly(7L, 8L, 9L);
        assertThat(entries).extracting(DecodedBatch.Entry::call).containsExactly(CALL, null, CALL);
        assertThat(entries.get(1).failure().kind()).isEqualTo(WireFormatException.Kind.UNDECODABLE);
    }
}
