package io.tollgate.intake;

/**
 * A hostile value as it may appear in an error message: at most {@value #MAX_CHARS} characters, with
 * control characters escaped, so that a detail on {@code rejected} or a log line stays one short line
 * whatever was sent.
 */
public final class Excerpt {

    static final int MAX_CHARS = 64;

    private Excerpt() {
    }

    /** {@code 'value'}, shortened and escaped; {@code null} for a missing value. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 8).append('\'');
        int shown = 0;
        for (int i = 0; i < value.length() && shown < MAX_CHARS; i++, shown++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (value.length() > MAX_CHARS) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
