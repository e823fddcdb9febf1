package io.tollgate.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the registry writes to its log gives, read back into a new store, the same subjects, versions, ids and levels. */
class RegistryStoreLogTest {

    private static final String V1 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
    private static final String OTHER = "{\"type\":\"record\",\"name\":\"S\",\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}";

    /** A log in a list, replayed in order, as the {@code _schemas} topic is read back. */
    private static final class ListLog implements RegistryLog {
        final List<Runnable> replay = new ArrayList<>();
        RegistryStore target;

        @Override
        public void schema(String subject, int version, int id, String schema, boolean deleted) {
            replay.add(() -> target.restore(subject, version, id, schema, deleted));
        }

        @Override
        public void level(String subject, CompatibilityLevel level) {
            replay.add(() -> target.restoreLevel(subject, level));
        }
    }

    @Test
    void shouldGiveTheSameIdsVersionsAndLevelsWhenItsLogIsReadBack() {
        ListLog log = new ListLog();
        RegistryStore before = new RegistryStore(log);
        int first = before.register("a-value", V1);
        int second = before.register("a-value", V2);
        int other = before.register("b-value", OTHER);
        before.register("gone-value", OTHER);
        before.deleteSubject("gone-value");
        before.subjectLevel("a-value", CompatibilityLevel.FULL);
        before.globalLevel(CompatibilityLevel.NONE);

        RegistryStore after = new RegistryStore();
        log.target = after;
        log.replay.forEach(Runnable::run);

        assertThat(after.subjects()).containsExactly("a-value", "b-value");
        assertThat(after.version("a-value", "1").id()).isEqualTo(first);
        assertThat(after.version("a-value", "2").id()).isEqualTo(second);
        assertThat(after.version("b-value", "latest").id()).isEqualTo(other);
        assertThat(after.schema(other)).isPresent();
        assertThat(after.subjectLevel("a-value")).contains(CompatibilityLevel.FULL);
        assertThat(after.globalLevel()).isEqualTo(CompatibilityLevel.NONE);
        assertThat(after.register("c-value", V1)).as("a known schema keeps its id").isEqualTo(first);
        assertThat(after.register("c-value", "{\"type\":\"string\"}")).as("a new schema gets the next id").isGreaterThan(other);
    }

    @Test
    void shouldKeepADeletedSubjectsIdsTakenWhenCompactionLeftOnlyTheDeletion() {
        // Compaction keeps the last record per key: for a deleted subject's version, its deletion.
        Map<String, Runnable> compacted = new LinkedHashMap<>();
        RegistryStore[] target = new RegistryStore[1];
        RegistryStore before = new RegistryStore(new RegistryLog() {
            @Override
            public void schema(String subject, int version, int id, String schema, boolean deleted) {
                compacted.remove(subject + "/" + version);
                compacted.put(subject + "/" + version, () -> target[0].restore(subject, version, id, schema, deleted));
            }

            @Override
            public void level(String subject, CompatibilityLevel level) {
                compacted.remove("config/" + subject);
                compacted.put("config/" + subject, () -> target[0].restoreLevel(subject, level));
            }
        });
        before.register("a-value", V1);
        int gone = before.register("gone-value", OTHER);
        before.subjectLevel("gone-value", CompatibilityLevel.FULL);
        before.deleteSubject("gone-value");

        target[0] = new RegistryStore();
        compacted.values().forEach(Runnable::run);

        assertThat(target[0].subjects()).containsExactly("a-value");
        assertThat(target[0].schema(gone)).as("records written with a deleted subject's id stay readable").isPresent();
        assertThat(target[0].register("gone-value", OTHER)).as("the schema keeps its id").isEqualTo(gone);
        assertThat(target[0].subjectLevel("gone-value")).as("the deleted subject's level went with it").isEmpty();
        assertThat(target[0].register("c-value", "{\"type\":\"string\"}")).as("no id is given twice").isGreaterThan(gone);
    }

    @Test
    void shouldRefuseAChangeItsLogCannotKeep() {
        RegistryStore store = new RegistryStore(new RegistryLog() {
            @Override
            public void schema(String subject, int version, int id, String schema, boolean deleted) {
                throw new IllegalStateException("the broker is down");
            }

            @Override
            public void level(String subject, CompatibilityLevel level) {
                throw new IllegalStateException("the broker is down");
            }
        });
        assertThatThrownBy(() -> store.register("a-value", V1)).hasMessageContaining("broker is down");
        assertThat(store.subjects()).as("nothing registered that the log did not keep").isEmpty();
        assertThatThrownBy(() -> store.globalLevel(CompatibilityLevel.NONE)).hasMessageContaining("broker is down");
        assertThat(store.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
    }
}
