package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CompiledCacheTest {

    private final AtomicLong clock = new AtomicLong();
    private final Map<String, Integer> records = new HashMap<>();
    private final AtomicInteger loads = new AtomicInteger();

    private String read(CompiledCache<String> cache, String id) {
        return cache.get(id, () -> {
            loads.incrementAndGet();
            return id + "@" + records.getOrDefault(id, 0);
        });
    }

    private void change(CompiledCache<String> cache, String id) {
        records.merge(id, 1, Integer::sum);
        cache.changed(id);
    }

    @Test
    void shouldCompileAnotherRecordsValueOnlyOnceWhenOneRecordChanges() {
        CompiledCache<String> cache = new CompiledCache<>(clock, 100);
        read(cache, "policy-a");
        for (int account = 0; account < 1_000; account++) {
            change(cache, "acct-" + account);
            read(cache, "policy-a");
        }
        // A slot shared by the hash of an account id and "policy-a" would cost a reload; most accounts share none.
        assertThat(loads.get()).isLessThan(10);
        change(cache, "policy-a");
        assertThat(read(cache, "policy-a")).isEqualTo("policy-a@1");
    }

    @Test
    void shouldLeaveAValueStaleWhenItsRecordChangesWhileItLoads() {
        CompiledCache<String> cache = new CompiledCache<>(clock, 100);
        String loaded = cache.get("p", () -> {
            String before = "p@" + records.getOrDefault("p", 0);
            change(cache, "p"); // the global thread stores a new version while this one compiles the old
            return before;
        });
        assertThat(loaded).isEqualTo("p@0");
        assertThat(read(cache, "p")).isEqualTo("p@1");
    }

    @Test
    void shouldDropTheLeastRecentlyUsedEntriesBeyondItsBound() {
        CompiledCache<String> cache = new CompiledCache<>(clock, 2);
        read(cache, "a");
        read(cache, "b");
        read(cache, "a");
        read(cache, "c"); // b goes
        loads.set(0);
        read(cache, "a");
        read(cache, "c");
        assertThat(loads.get()).isZero();
        read(cache, "b");
        assertThat(loads.get()).isEqualTo(1);
    }

    /** Whatever the order of changes and reads, a read never returns what was compiled before its record's last change. */
    @Property(tries = 300)
    void shouldNeverServeAValueOlderThanItsRecordsLastChange(@ForAll("steps") List<int[]> steps) {
        CompiledCache<Integer> cache = new CompiledCache<>(new AtomicLong(), 4);
        Map<String, Integer> versions = new HashMap<>();
        for (int[] step : steps) {
            String id = "id-" + step[1];
            if (step[0] == 0) {
                versions.merge(id, 1, Integer::sum);
                cache.changed(id);
            } else {
                int current = versions.getOrDefault(id, 0);
                assertThat(cache.get(id, () -> current)).as(id).isEqualTo(current);
            }
        }
    }

    @Provide
    Arbitrary<List<int[]>> steps() {
        Arbitrary<int[]> step = Arbitraries.integers().between(0, 2).flatMap(kind ->
                Arbitraries.integers().between(0, 6).map(id -> new int[] {kind == 0 ? 0 : 1, id}));
        return step.list().ofMaxSize(200);
    }
}
