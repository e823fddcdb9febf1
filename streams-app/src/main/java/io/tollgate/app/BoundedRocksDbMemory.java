package io.tollgate.app;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store of the process, however many tasks and stores it opens: one
 * block cache shared by all, and the stores' write buffers (memtables) charged to it, as Kafka Streams'
 * memory-management guide does. Without it each store instance takes its own cache and buffers (about
 * 100 MB each by default), so the memory outside the heap grows with the partitions an instance owns.
 *
 * <p>The bound is {@value #MEMORY_BYTES}, of which {@value #MEMTABLE_BYTES} for write buffers; index and
 * filter blocks are kept in the cache too (at high priority), so they count against it.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Streams property: the bound, in bytes. */
    public static final String MEMORY_BYTES = "tollgate.rocksdb.memory.bytes";
    /** Streams property: the part of it write buffers may use, in bytes. */
    public static final String MEMTABLE_BYTES = "tollgate.rocksdb.memtable.bytes";

    private static final double INDEX_AND_FILTER_SHARE = 0.1;
    private static final int MEMTABLES_PER_STORE = 2;
    private static final long MEMTABLE_BYTES_PER_STORE = 8L << 20;

    /** One per bound: stores of every app in this process with the same bound share it (it is never freed). */
    private static final Map<Bounds, Shared> SHARED = new ConcurrentHashMap<>();

    private record Bounds(long memoryBytes, long memtableBytes) {
    }

    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Bounds bounds = new Bounds(bytes(configs, MEMORY_BYTES), bytes(configs, MEMTABLE_BYTES));
        Shared shared = SHARED.computeIfAbsent(bounds, b -> {
            Cache cache = new LRUCache(b.memoryBytes(), -1, false, INDEX_AND_FILTER_SHARE);
            return new Shared(cache, new WriteBufferManager(b.memtableBytes(), cache));
        });
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
        options.setWriteBufferSize(Math.min(MEMTABLE_BYTES_PER_STORE, bounds.memtableBytes()));
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store: closing one store must not free them.
    }

    /** What the stores of this process use now, in bytes (cache, write buffers and pinned blocks), for the benchmarks. */
    public static long usageBytes() {
        return SHARED.values().stream().mapToLong(s -> s.cache().getUsage()).sum();
    }

    private static long bytes(Map<String, Object> configs, String key) {
        Object value = configs.get(key);
        if (value == null) {
            throw new IllegalStateException(key + " is not set: " + BoundedRocksDbMemory.class.getName() + " needs it");
        }
        return Long.parseLong(value.toString());
    }
}
