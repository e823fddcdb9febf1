package io.tollgate.config;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.types.Password;

/**
 * The README's configuration table, written from {@link TollgateConfigDef}: a key documented there is
 * documented here, with its default and valid values, and a test fails when the README lags behind.
 */
public final class ConfigDocs {

    /** The README marks the generated table with these lines. */
    public static final String BEGIN = "<!-- configuration table: generated from TollgateConfigDef by ConfigDocs; do not edit -->";
    public static final String END = "<!-- end of the configuration table -->";

    private ConfigDocs() {
    }

    /** The table for {@code definition}, in its groups' order. */
    public static String markdown(ConfigDef definition, List<String> groups) {
        StringBuilder out = new StringBuilder();
        out.append("| key | default | valid values | meaning |\n");
        out.append("|---|---|---|---|\n");
        for (String group : groups) {
            out.append("| **").append(group).append("** | | | |\n");
            definition.configKeys().values().stream()
                    .filter(key -> group.equals(key.group))
                    .sorted(java.util.Comparator.comparingInt(key -> key.orderInGroup))
                    .forEach(key -> out.append("| `").append(key.name).append("` | ").append(defaultOf(key)).append(" | ")
                            .append(validValues(key)).append(" | ").append(cell(key.documentation)).append(" |\n"));
        }
        return out.toString();
    }

    /** Tollgate's own table. */
    public static String markdown() {
        return markdown(TollgateConfigDef.DEFINITION, List.of(TollgateConfigDef.GROUP_KAFKA, TollgateConfigDef.GROUP_POLICIES,
                TollgateConfigDef.GROUP_LIMITER, TollgateConfigDef.GROUP_REST, TollgateConfigDef.GROUP_OPERATIONS));
    }

    /** {@code document} with the text between the markers replaced by {@code table}. */
    public static String replaceTable(String document, String table) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the document has no '" + BEGIN + "' ... '" + END + "' section");
        }
        return document.substring(0, begin + BEGIN.length()) + "\n" + table + document.substring(end);
    }

    /** The text between the markers. */
    public static String tableIn(String document) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the document has no '" + BEGIN + "' ... '" + END + "' section");
        }
        return document.substring(begin + BEGIN.length() + 1, end);
    }

    private static String defaultOf(ConfigKey key) {
        Object value = key.defaultValue;
        if (value instanceof Password || value == null || value.toString().isEmpty()) {
            return "(empty)";
        }
        return "`" + value + "`";
    }

    private static String validValues(ConfigKey key) {
        if (key.validator != null) {
            return cell(key.validator.toString());
        }
        return key.type.name().toLowerCase(Locale.ROOT).replace("password", "secret string");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
