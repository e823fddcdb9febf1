package io.tollgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node of a policy file that knows its path, so that every error names the field. Strict: unknown
 * fields are errors (a typo must not silently drop a limit).
 */
final class YamlNode {

    private final JsonNode node;
    private final String path;

    YamlNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String path() {
        return path;
    }

    boolean isMissing() {
        return node == null || node.isMissingNode() || node.isNull();
    }

    boolean isObject() {
        return node != null && node.isObject();
    }

    boolean isText() {
        return node != null && node.isTextual();
    }

    boolean isNumber() {
        return node != null && node.isNumber();
    }

    YamlNode field(String name) {
        return new YamlNode(node == null ? null : node.get(name), path.isEmpty() ? name : path + "." + name);
    }

    /** Fails on any field not in {@code allowed}. */
    YamlNode allowOnly(String... allowed) {
        requireObject();
        Set<String> known = Set.of(allowed);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new PolicyException(path.isEmpty() ? name : path + "." + name,
                        "unknown field; expected one of " + new TreeSet<>(known));
            }
        }
        return this;
    }

    YamlNode requireObject() {
        if (!isObject()) {
            throw new PolicyException(path, isMissing() ? "required" : "must be a mapping (key: value), got " + kind());
        }
        return this;
    }

    String text() {
        if (isMissing()) {
            throw new PolicyException(path, "required");
        }
        if (!node.isValueNode() || node.asText().isBlank()) {
            throw new PolicyException(path, "must be a non-empty text, got " + kind());
        }
        return node.asText().trim();
    }

    String textOr(String fallback) {
        return isMissing() ? fallback : text();
    }

    long number() {
        if (isMissing()) {
            throw new PolicyException(path, "required");
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isTextual() && node.asText().trim().matches("-?\\d+")) {
            return Long.parseLong(node.asText().trim());
        }
        throw new PolicyException(path, "must be a whole number, got " + kind());
    }

    double decimal() {
        if (node != null && node.isNumber()) {
            return node.asDouble();
        }
        throw new PolicyException(path, isMissing() ? "required" : "must be a number, got " + kind());
    }

    boolean bool(boolean fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new PolicyException(path, "must be true or false, got " + kind());
        }
        return node.asBoolean();
    }

    long millis() {
        if (isMissing()) {
            throw new PolicyException(path, "required");
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            return Durations.parseMillis(node.asText(), path);
        }
        throw new PolicyException(path, "must be a duration such as 2s or 1h, got " + kind());
    }

    /** A list, or a single value standing for a list of one. */
    List<YamlNode> items() {
        List<YamlNode> items = new ArrayList<>();
        if (isMissing()) {
            return items;
        }
        if (!node.isArray()) {
            if (node.isValueNode()) {
                items.add(new YamlNode(node, path + "[0]"));
                return items;
            }
            throw new PolicyException(path, "must be a list, got " + kind());
        }
        for (int i = 0; i < node.size(); i++) {
            items.add(new YamlNode(node.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    List<String> texts() {
        return items().stream().map(YamlNode::text).toList();
    }

    Map<String, YamlNode> entries() {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        if (isMissing()) {
            return entries;
        }
        requireObject();
        node.fields().forEachRemaining(e -> entries.put(e.getKey(), new YamlNode(e.getValue(), path + "." + e.getKey())));
        return entries;
    }

    private String kind() {
        if (isMissing()) {
            return "nothing";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return "'" + node.asText() + "'";
    }
}
