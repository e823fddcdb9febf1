package io.tollgate.limiter.rule;

import java.util.ArrayList;
import java.util.List;

/**
 * A path pattern: literal segments, {@code {name}} or {@code *} for exactly one segment, and a final
 * {@code **} for any number of remaining segments. {@code /api/v2/deals/{id}} matches
 * {@code /api/v2/deals/42} but not {@code /api/v2/deals/42/products}.
 */
public final class PathTemplate {

    private final String text;
    private final List<String> segments;
    private final boolean trailingWildcard;

    private PathTemplate(String text, List<String> segments, boolean trailingWildcard) {
        this.text = text;
        this.segments = segments;
        this.trailingWildcard = trailingWildcard;
    }

    public static PathTemplate parse(String text) {
        if (text == null || !text.startsWith("/")) {
            throw new IllegalArgumentException("a path template must start with '/'");
        }
        List<String> parts = split(text);
        boolean trailing = !parts.isEmpty() && parts.get(parts.size() - 1).equals("**");
        if (trailing) {
            parts = parts.subList(0, parts.size() - 1);
        }
        for (String part : parts) {
            if (part.equals("**")) {
                throw new IllegalArgumentException("'**' may only end a path template");
            }
            if (part.startsWith("{") != part.endsWith("}")) {
                throw new IllegalArgumentException("unbalanced braces in a segment of the path template");
            }
        }
        return new PathTemplate(text, List.copyOf(parts), trailing);
    }

    /**
     * Whether {@code path} (without its query) matches. Walks the path in place: a policy matches every
     * call against many templates (rules, cost table rows), so this must not allocate.
     */
    public boolean matches(String path) {
        int pos = 0;
        int n = path.length();
        for (String segment : segments) {
            while (pos < n && path.charAt(pos) == '/') {
                pos++;
            }
            if (pos >= n) {
                return false;
            }
            int end = path.indexOf('/', pos);
            if (end < 0) {
                end = n;
            }
            if (!isVariable(segment) && (end - pos != segment.length() || !path.regionMatches(pos, segment, 0, segment.length()))) {
                return false;
            }
            pos = end;
        }
        while (pos < n && path.charAt(pos) == '/') {
            pos++;
        }
        return trailingWildcard || pos >= n;
    }

    /** The literal segments the template starts with, at most {@code max}, joined by '/' (empty: none). */
    public String leadingLiterals(int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(max, segments.size()) && !isVariable(segments.get(i)); i++) {
            out.append(i == 0 ? "" : "/").append(segments.get(i));
        }
        return out.toString();
    }

    /** The first {@code count} segments of a path joined by '/', or null when it has fewer. */
    public static String leadingSegments(String path, int count) {
        if (count == 0) {
            return "";
        }
        if (path.length() > 1 && path.charAt(0) == '/' && path.indexOf("//") < 0) {
            // The usual case, a normalised path: the segments are a substring of it.
            int end = 0;
            for (int i = 0; i < count; i++) {
                if (end + 1 >= path.length()) {
                    return null;
                }
                int slash = path.indexOf('/', end + 1);
                end = slash < 0 ? path.length() : slash;
            }
            return path.substring(1, end);
        }
        StringBuilder out = new StringBuilder();
        int pos = 0;
        int n = path.length();
        for (int i = 0; i < count; i++) {
            while (pos < n && path.charAt(pos) == '/') {
                pos++;
            }
            if (pos >= n) {
                return null;
            }
            int end = path.indexOf('/', pos);
            end = end < 0 ? n : end;
            out.append(i == 0 ? "" : "/").append(path, pos, end);
            pos = end;
        }
        return out.toString();
    }

    /** Higher is more specific: literal segments first, then exact length over a trailing wildcard. */
    public int specificity() {
        int literals = (int) segments.stream().filter(s -> !isVariable(s)).count();
        return literals * 4 + segments.size() * 2 + (trailingWildcard ? 0 : 1);
    }

    @Override
    public String toString() {
        return text;
    }

    private static boolean isVariable(String segment) {
        return segment.equals("*") || (!segment.isEmpty() && segment.charAt(0) == '{');
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }
}
