package io.tollgate.topology.store;

import io.tollgate.config.StoreNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what an earlier release's stores hold into this release's, so that an upgrade keeps every counter,
 * request id and call in flight: a key per counter ({@code limit-state}) into the counters of its subject,
 * calls in flight and request ids into the call ledger. Runs once per task, at its first record or
 * punctuation; the old stores are empty afterwards (and stay registered so that their changelogs restore).
 */
final class LegacyStores {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyStores.class);

    private final KeyValueStore<Bytes, byte[]> limitState;
    private final KeyValueStore<Bytes, byte[]> inFlight;
    private final KeyValueStore<Bytes, byte[]> requestIds;

    LegacyStores(ProcessingContext context) {
        this.limitState = context.getStateStore(StoreNames.LEGACY_LIMIT_STATE);
        this.inFlight = context.getStateStore(StoreNames.LEGACY_IN_FLIGHT);
        this.requestIds = context.getStateStore(StoreNames.LEGACY_REQUEST_IDS);
    }

    /** Moves everything into {@code stores}; what is already in the new stores for the same key is kept. @return how many entries moved */
    int moveInto(LimiterStores stores) {
        int moved = 0;
        for (KeyValue<Bytes, byte[]> kv : drain(limitState)) {
            String[] parts = new String(kv.key.get(), StandardCharsets.UTF_8).split("\u0000", 3);
            if (parts.length == 3) {
                SubjectCounters counters = stores.counters(parts[0], parts[2]);
                if (counters.raw(parts[1]) == null) {
                    counters.putEncoded(parts[1], kv.value);
                    moved++;
                }
            }
        }
        for (KeyValue<Bytes, byte[]> kv : drain(inFlight)) {
            if (stores.ledgerEntry(kv.key) == null) {
                try {
                    stores.putLedgerEntry(kv.key, LedgerEntry.inFlight(ValueCodec.decodeInFlight(kv.value)));
                    moved++;
                } catch (RuntimeException e) {
                    LOG.warn("A call in flight of the earlier release at {} cannot be read; its result will not be matched", kv.key, e);
                }
            }
        }
        for (KeyValue<Bytes, byte[]> kv : drain(requestIds)) {
            if (stores.ledgerEntry(kv.key) == null && kv.value.length >= Long.BYTES) {
                stores.putLedgerEntry(kv.key, LedgerEntry.seen(ByteBuffer.wrap(kv.value).getLong()));
                moved++;
            }
        }
        if (moved > 0) {
            LOG.info("Moved {} counters, calls in flight and request ids of the earlier release's stores into this release's", moved);
        }
        return moved;
    }

    /** Every entry of {@code store}, deleted from it. */
    private static List<KeyValue<Bytes, byte[]>> drain(KeyValueStore<Bytes, byte[]> store) {
        List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(entries::add);
        }
        entries.forEach(kv -> store.delete(kv.key));
        return entries;
    }
}
