package io.tollgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.policy.PolicyFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** What applying a policy file changes: each policy and account of the file against the one in force. */
public record PolicyDiff(List<Change> changes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Kind { NEW, CHANGED, UNCHANGED }

    /** One record of the file: what it is, and the top-level fields that differ from the one in force. */
    public record Change(String type, String id, Kind kind, List<String> fields, SpecificRecord record) {

        String describe() {
            return switch (kind) {
                case NEW -> "+ " + type + " " + id + " (new)";
                case CHANGED -> "~ " + type + " " + id + ": " + String.join("; ", fields);
                case UNCHANGED -> "= " + type + " " + id + " (unchanged)";
            };
        }
    }

    public static PolicyDiff of(PolicyFile.Contents file, PoliciesInForce inForce) {
        List<Change> changes = new ArrayList<>();
        for (Policy policy : file.policies()) {
            changes.add(change("policy", policy.getId(), policy, inForce.policies()));
        }
        for (Account account : file.accounts()) {
            changes.add(change("account", account.getId(), account, inForce.accounts()));
        }
        return new PolicyDiff(changes);
    }

    /** The records that would change something. */
    public List<Change> toWrite() {
        return changes.stream().filter(c -> c.kind() != Kind.UNCHANGED).toList();
    }

    public String describe() {
        StringBuilder out = new StringBuilder();
        changes.forEach(c -> out.append(c.describe()).append('\n'));
        return out.toString();
    }

    private static <T extends SpecificRecord> Change change(String type, String id, T record, Map<String, T> inForce) {
        T current = inForce.get(id);
        if (current == null) {
            return new Change(type, id, Kind.NEW, List.of(), record);
        }
        List<String> fields = new ArrayList<>();
        try {
            differences("", JSON.readTree(current.toString()), JSON.readTree(record.toString()), fields);
        } catch (JsonProcessingException e) {
            fields.add("(cannot be compared: " + e.getOriginalMessage() + ")");
        }
        return new Change(type, id, fields.isEmpty() ? Kind.UNCHANGED : Kind.CHANGED, fields, record);
    }

    /** The leaves that differ, as {@code rules[burst].limit.limit 5 -> 20}: list items are named by their id when they have one. */
    private static void differences(String path, JsonNode before, JsonNode after, List<String> out) {
        if (before.equals(after)) {
            return;
        }
        if (before.isObject() && after.isObject()) {
            java.util.SortedSet<String> names = new java.util.TreeSet<>();
            before.fieldNames().forEachRemaining(names::add);
            after.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                differences(path.isEmpty() ? name : path + "." + name, before.path(name), after.path(name), out);
            }
        } else if (before.isArray() && after.isArray()) {
            for (int i = 0; i < Math.max(before.size(), after.size()); i++) {
                JsonNode item = i < after.size() ? after.get(i) : before.get(i);
                String name = item.hasNonNull("id") ? item.get("id").asText() : String.valueOf(i);
                differences(path + "[" + name + "]", before.path(i), after.path(i), out);
            }
        } else {
            out.add(path + " " + excerpt(before) + " -> " + excerpt(after));
        }
    }

    private static String excerpt(JsonNode value) {
        String s = value.isMissingNode() ? "(none)" : value.toString();
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
