package io.tollgate.policy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in policy files: "2s", "500ms", "1.5h", "1d", ISO-8601 "PT2S", or plain milliseconds. */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    static long parseMillis(String text, String path) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            double value = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return Math.round(value * unit);
        }
        if (t.matches("\\d+")) {
            return Long.parseLong(t);
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT)).toMillis();
        } catch (DateTimeParseException e) {
            throw new PolicyException(path, "'" + text + "' is not a duration; write e.g. 2s, 500ms, 1h, 1d or PT2S");
        }
    }
}
