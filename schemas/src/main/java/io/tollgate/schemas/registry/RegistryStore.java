package io.tollgate.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The data of the in-process registry: subjects with their versions, globally numbered schemas and
 * compatibility levels, with the rules the Confluent Schema Registry applies. In memory, thread-safe;
 * every change is written to its {@link RegistryLog} before it takes effect, and a log read back
 * ({@link #restore}) gives the same subjects, versions and ids.
 */
final class RegistryStore {

    /** A version of a subject. */
    record Version(String subject, int version, int id, String schema) {
    }

    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;
    private final RegistryLog log;

    RegistryStore(RegistryLog log) {
        this.log = log;
    }

    RegistryStore() {
        this(RegistryLog.NONE);
    }

    synchronized int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        List<Integer> versions = subjects.getOrDefault(subject, List.of());
        for (int id : versions) {
            if (schemasById.get(id).equals(canonical)) {
                return id;
            }
        }
        List<String> problems = level(subject).violations(schema, schemasOf(versions));
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\": "
                            + problems);
        }
        Integer known = idsBySchema.get(canonical);
        // A new id is spent before the log is written: a write reported failed may still land, and its id must
        // never go to another schema.
        int id = known != null ? known : nextId++;
        log.schema(subject, versions.size() + 1, id, canonical, false);
        remember(id, canonical);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    /** A change read back from the log, in the order it was written. */
    synchronized void restore(String subject, int version, int id, String schema, boolean deleted) {
        // A deleted version still names its schema: records written with that id must stay readable, and the id
        // must never go to another schema (after compaction, the deletion may be all the log holds of it).
        String canonical = parse(schema).toString();
        remember(id, canonical);
        if (deleted) {
            subjects.remove(subject);
            return;
        }
        List<Integer> ids = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (version == ids.size() + 1) {
            ids.add(id);
        } else if (version >= 1 && version <= ids.size()) {
            ids.set(version - 1, id);
        } else {
            throw new IllegalStateException("the registry's log skips from version " + ids.size() + " to " + version + " of " + subject);
        }
    }

    /** A compatibility level read back from the log; {@code subject} null for the global one, {@code level} null for a removed one. */
    synchronized void restoreLevel(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level == null ? CompatibilityLevel.BACKWARD : level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    private void remember(int id, String canonical) {
        schemasById.put(id, canonical);
        idsBySchema.putIfAbsent(canonical, id);
        nextId = Math.max(nextId, id + 1);
    }

    synchronized Version lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        List<Integer> versions = requireSubject(subject);
        for (int i = 0; i < versions.size(); i++) {
            if (schemasById.get(versions.get(i)).equals(canonical)) {
                return new Version(subject, i + 1, versions.get(i), canonical);
            }
        }
        throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
    }

    synchronized Optional<String> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    synchronized List<Version> usesOf(int id) {
        List<Version> uses = new ArrayList<>();
        subjects.forEach((subject, ids) -> {
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i) == id) {
                    uses.add(new Version(subject, i + 1, id, schemasById.get(id)));
                }
            }
        });
        return uses;
    }

    synchronized List<String> subjects() {
        return new ArrayList<>(subjects.keySet());
    }

    synchronized List<Integer> versions(String subject) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i <= requireSubject(subject).size(); i++) {
            numbers.add(i);
        }
        return numbers;
    }

    /** {@code version} is a number, "latest" or -1. */
    synchronized Version version(String subject, String version) {
        List<Integer> ids = requireSubject(subject);
        int number = versionNumber(version, ids.size());
        if (number < 1 || number > ids.size()) {
            throw new SchemaRegistryException(404, SchemaRegistryException.VERSION_NOT_FOUND, "Version not found.");
        }
        int id = ids.get(number - 1);
        return new Version(subject, number, id, schemasById.get(id));
    }

    synchronized List<Integer> deleteSubject(String subject) {
        List<Integer> numbers = versions(subject);
        List<Integer> ids = subjects.get(subject);
        if (subjectLevels.containsKey(subject)) {
            log.level(subject, null);
        }
        for (int i = 0; i < ids.size(); i++) {
            log.schema(subject, i + 1, ids.get(i), schemasById.get(ids.get(i)), true);
        }
        subjects.remove(subject);
        subjectLevels.remove(subject);
        return numbers;
    }

    synchronized List<String> compatibilityProblems(String subject, String version, String schemaText) {
        Schema candidate = parse(schemaText);
        List<Integer> ids = requireSubject(subject);
        List<Integer> against = version == null ? ids : List.of(version(subject, version).id());
        CompatibilityLevel level = level(subject);
        if (version != null && level.name().endsWith("_TRANSITIVE")) {
            level = CompatibilityLevel.valueOf(level.name().replace("_TRANSITIVE", ""));
        }
        return level.violations(candidate, schemasOf(against));
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    synchronized void globalLevel(CompatibilityLevel level) {
        log.level(null, level);
        globalLevel = level;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized void subjectLevel(String subject, CompatibilityLevel level) {
        log.level(subject, level);
        subjectLevels.put(subject, level);
    }

    private CompatibilityLevel level(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private List<Schema> schemasOf(List<Integer> ids) {
        return ids.stream().map(id -> new Schema.Parser().parse(schemasById.get(id))).toList();
    }

    private List<Integer> requireSubject(String subject) {
        List<Integer> ids = subjects.get(subject);
        if (ids == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        return ids;
    }

    private static int versionNumber(String version, int latest) {
        if ("latest".equals(version) || "-1".equals(version)) {
            return latest;
        }
        try {
            return Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_VERSION,
                    "The specified version '" + version + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
        }
    }

    private static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA, "Empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: " + e.getMessage());
        }
    }
}
