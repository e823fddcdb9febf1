package io.tollgate.limiter.rule;

import java.util.Objects;

/**
 * A second spelling of the same URLs. Pipedrive serves v1 both as {@code api.pipedrive.com/v1/...} and
 * as {@code {company}.pipedrive.com/api/v1/...}: with {@code prefix /api/v1/} and {@code sameAs /v1/},
 * rules and cost rows written for {@code /v1/...} match a call written either way, so neither form
 * escapes a limit or the cost table.
 *
 * <p>Both ends are whole segments: they start and end with '/'.
 */
public record PrefixAlias(String prefix, String sameAs) {

    public PrefixAlias {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(sameAs, "sameAs");
    }

    /** Whether {@code text} can be one end of an alias: a path of whole segments, such as {@code /api/v1/}. */
    public static boolean isSegmentPrefix(String text) {
        return text != null && text.length() >= 2 && text.startsWith("/") && text.endsWith("/") && !text.contains("//")
                && text.indexOf('?') < 0 && text.indexOf('#') < 0;
    }

    /** {@code path} in the canonical form, or {@code path} itself when it does not start with the prefix. */
    public String canonical(String path) {
        return path.startsWith(prefix) ? sameAs + path.substring(prefix.length()) : path;
    }

    public boolean applies(String path) {
        return path.startsWith(prefix);
    }
}
