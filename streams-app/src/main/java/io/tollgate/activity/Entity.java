package io.tollgate.activity;

import java.util.regex.Pattern;

/**
 * The entity a path addresses, as a template: ids become {@code {id}}, so that {@code /api/v2/deals/17}
 * and {@code /api/v2/deals/18} count as one entity, as the vendors' usage pages count them.
 */
public final class Entity {

    /** A segment that names one object rather than a collection: digits in it, or a long opaque token. */
    private static final Pattern ID = Pattern.compile(".*\\d.*|[0-9a-fA-F-]{16,}|[A-Za-z0-9_-]{24,}");
    private static final Pattern VERSION = Pattern.compile("v\\d{1,2}");
    private static final int MAX_SEGMENTS = 6;
    private static final int MAX_LENGTH = 120;

    private Entity() {
    }

    public static String of(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        int query = path.indexOf('?');
        String bare = query >= 0 ? path.substring(0, query) : path;
        StringBuilder out = new StringBuilder();
        int segments = 0;
        for (String segment : bare.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (++segments > MAX_SEGMENTS) {
                out.append("/…");
                break;
            }
            out.append('/').append(ID.matcher(segment).matches() && !VERSION.matcher(segment).matches() ? "{id}" : segment);
        }
        String entity = out.length() == 0 ? "/" : out.toString();
        return entity.length() > MAX_LENGTH ? entity.substring(0, MAX_LENGTH) + "…" : entity;
    }
}
