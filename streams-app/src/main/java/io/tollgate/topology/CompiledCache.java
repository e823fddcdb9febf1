package io.tollgate.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * What a global store's records compile to, by record id, shared by the stream threads while the global
 * thread changes the records. A change drops only what was compiled from the changed record.
 *
 * <p>Changes are stamped with a clock shared by the caches and kept per slot of the id's hash, not per id,
 * so that the stamps take fixed memory however many ids change: an entry is good while it was loaded no
 * earlier than the last change in its slot. Another id in the same slot only costs a reload. An entry is
 * stamped with the clock as it was before its record was read, so a change that lands while it loads
 * leaves it stale, never kept.
 */
final class CompiledCache<T> {

    private static final int SLOTS = 4096;

    private record Entry<T>(long loadedAt, T value) {
    }

    private final AtomicLong clock;
    private final AtomicLongArray changedAt = new AtomicLongArray(SLOTS);
    private final Map<String, Entry<T>> entries;

    /** @param clock stamps every change (of this cache or others); {@code max} entries are kept, the least recently used going first */
    CompiledCache(AtomicLong clock, int max) {
        this.clock = clock;
        this.entries = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<T>> eldest) {
                return size() > max;
            }
        });
    }

    /** The value compiled from record {@code id}, compiled with {@code load} when absent or stale. */
    T get(String id, Supplier<T> load) {
        Entry<T> hit = entries.get(id);
        if (hit != null && hit.loadedAt() >= changedAt.get(slot(id))) {
            return hit.value();
        }
        long loadedAt = clock.get();
        T value = load.get();
        entries.put(id, new Entry<>(loadedAt, value));
        return value;
    }

    /** Record {@code id} was stored or deleted; called after the store holds the change. */
    void changed(String id) {
        long stamp = clock.incrementAndGet();
        changedAt.accumulateAndGet(slot(id), stamp, Math::max);
    }

    private static int slot(String id) {
        int h = id.hashCode();
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
