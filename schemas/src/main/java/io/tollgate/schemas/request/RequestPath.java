package io.tollgate.schemas.request;

import io.tollgate.limiter.RejectReason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

/**
 * The path and query of a request, read the way the vendor's server will read them. Rules match the
 * path, so a path that the server reads differently from Tollgate would dodge them: {@code /./},
 * {@code ..} and percent-encoded letters are normalised (RFC 3986, section 6.2.2), and what has no
 * equivalent is refused: a {@code #} (the fragment is never sent, and a credential after it would not
 * be either), an encoded {@code /} or {@code \}, characters a URL may not hold.
 */
public final class RequestPath {

    public static final int MAX_LENGTH = 8192;

    /** Query parameters that carry a credential: the dispatcher adds it, a request must not. */
    private static final Set<String> SECRET_PARAMETERS = Set.of("api_token", "access_token", "refresh_token", "id_token", "token",
            "api_key", "apikey", "key_secret", "password", "passwd", "client_secret", "secret");

    private static final String UNRESERVED_MARKS = "-._~";
    private static final String ALLOWED_MARKS = UNRESERVED_MARKS + "!$&'()*+,;=:@/?%";

    private RequestPath() {
    }

    /**
     * Whether the query, or anything after a {@code #}, names a credential parameter, however it is
     * percent-encoded. Checked before anything else, so a request that carries a secret is never
     * copied, whatever else is wrong with it.
     */
    public static boolean carriesSecret(String path) {
        if (path == null) {
            return false;
        }
        int start = indexOfAny(path, "?#");
        if (start < 0) {
            return false;
        }
        for (String parameter : path.substring(start + 1).split("[&;?#]")) {
            int eq = parameter.indexOf('=');
            if (eq > 0 && SECRET_PARAMETERS.contains(decodeLeniently(parameter.substring(0, eq)).strip().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The path as the vendor reads it; throws {@link InvalidRequestException} when it has no safe reading. */
    public static String normalise(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            throw invalid("path must start with '/', got " + Excerpt.quote(path));
        }
        if (path.length() > MAX_LENGTH) {
            throw invalid("path is longer than " + MAX_LENGTH + " characters (" + path.length() + ")");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '#') {
                throw invalid("path must not hold '#': the fragment is never sent to the vendor");
            }
            if (!isAllowed(c)) {
                throw invalid(String.format("path holds U+%04X at index %d, which a URL may not hold; percent-encode it", (int) c, i));
            }
            if (c == '%' && (i + 2 >= path.length() || hex(path.charAt(i + 1)) < 0 || hex(path.charAt(i + 2)) < 0)) {
                throw invalid("path holds '%' at index " + i + " without two hex digits after it");
            }
        }
        int q = path.indexOf('?');
        String rawPath = q < 0 ? path : path.substring(0, q);
        String query = q < 0 ? null : path.substring(q + 1);
        return removeDotSegments(decodeUnreserved(rawPath)) + (query == null ? "" : "?" + query);
    }

    /** Percent-encoded letters, digits and {@code -._~} mean those characters: decode them; refuse an encoded separator. */
    private static String decodeUnreserved(String rawPath) {
        if (rawPath.indexOf('%') < 0) {
            return rawPath;
        }
        StringBuilder out = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            char decoded = (char) (hex(rawPath.charAt(i + 1)) * 16 + hex(rawPath.charAt(i + 2)));
            if (decoded == '/' || decoded == '\\') {
                throw invalid("path holds an encoded '" + decoded + "' (%" + rawPath.substring(i + 1, i + 3)
                        + "): servers disagree on whether it separates segments; send the path unencoded");
            }
            if (isUnreserved(decoded)) {
                out.append(decoded);
            } else {
                out.append('%').append(rawPath.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
            }
            i += 2;
        }
        return out.toString();
    }

    /** RFC 3986, section 5.2.4: {@code /a/./b/../c} is {@code /a/c}. */
    private static String removeDotSegments(String path) {
        if (!path.contains("/.")) {
            // No segment starts with a dot, so none is "." or "..": the usual path, left as it is.
            return path;
        }
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = path.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.equals(".")) {
                if (last) {
                    segments.addLast("");
                }
            } else if (part.equals("..")) {
                if (segments.pollLast() == null) {
                    throw invalid("path climbs above the root with '..'");
                }
                if (last) {
                    segments.addLast("");
                }
            } else {
                segments.addLast(part);
            }
        }
        return "/" + String.join("/", segments);
    }

    private static String decodeLeniently(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isUnreserved(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || UNRESERVED_MARKS.indexOf(c) >= 0);
    }

    private static boolean isAllowed(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || ALLOWED_MARKS.indexOf(c) >= 0);
    }

    private static int hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128 ? Character.digit(c, 16) : -1;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(RejectReason.INVALID_REQUEST, message);
    }
}
