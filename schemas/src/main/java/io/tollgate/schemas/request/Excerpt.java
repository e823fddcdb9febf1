package io.tollgate.schemas.request;

/**
 * A hostile value as it may appear in an error message: at most {@value #MAX_CHARS} characters, with
 * control characters escaped, so that a detail on {@code rejected} or a log line stays one short line
 * whatever was sent.
 */
public final class Excerpt {

    public static final int MAX_CHARS = 64;

    private Excerpt() {
    }

    /** {@code 'value'}, shortened and escaped; {@code null} for a missing value. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(MAX_CHARS + 32).append('\'');
        int i = 0;
        for (; i < value.length() && out.length() <= MAX_CHARS; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (i < value.length()) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
