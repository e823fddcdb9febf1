package io.tollgate.schemas.request;

import io.tollgate.avro.ApiRequest;
import io.tollgate.limiter.RejectReason;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a decoded request, whatever format it came in, and returns it as the limiter will see it (the
 * path normalised, the method in upper case). Every field is treated as hostile: strings are bounded
 * and free of control characters, numbers and times lie in ranges that no later arithmetic can
 * overflow, headers are ones an HTTP client can send.
 *
 * <p>Credentials are references resolved by the dispatcher; a request that carries the secret itself
 * is refused before anything else is looked at, so that it is never copied to {@code rejected} whatever
 * else is wrong with it.
 */
public final class RequestValidator {

    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "x-api-key", "api-key", "x-api-token", "api-token", "x-auth-token", "x-access-token");
    /** Set by the HTTP client or the dispatcher; a request may not choose them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");
    private static final String RESERVED_HEADER_PREFIX = "x-tollgate-";
    private static final String TOKEN_MARKS = "!#$%&'*+-.^_`|~";

    public static final int MAX_ID = 256;
    static final int MAX_LABEL = 128;
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_NAME = 128;
    static final int MAX_HEADER_VALUE = 8192;
    static final int MAX_COST = 1_000_000_000;
    /** Times outside this range are mistakes, and arithmetic on them overflows: 1970 to the end of year 9999. */
    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private RequestValidator() {
    }

    /** The request as the limiter sees it; throws {@link InvalidRequestException} for the first problem found. */
    public static ApiRequest accept(ApiRequest r) {
        refuseSecrets(r);
        identifier("request_id", r.getRequestId());
        identifier("account", r.getAccount());
        identifier("credential_ref", r.getCredentialRef());
        identifier("integration", r.getIntegration());
        if (r.getUser() != null) {
            identifier("user", r.getUser());
        }
        label("vendor", r.getVendor());
        label("api_version", r.getApiVersion());
        label("category", r.getCategory());
        if (r.getAuthKind() == null) {
            throw invalid("field 'auth_kind' is required");
        }
        String method = r.getMethod() == null ? "" : r.getMethod().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw invalid("method " + Excerpt.quote(r.getMethod()) + " is not one of " + new TreeSet<>(METHODS));
        }
        String path = RequestPath.normalise(r.getPath());
        if (r.getCost() != null && (r.getCost() < 1 || r.getCost() > MAX_COST)) {
            throw invalid("cost must be between 1 and " + MAX_COST + ", got " + r.getCost()
                    + " (calls the vendor does not count are exempted by the policy, not by a cost of 0)");
        }
        if (r.getPriority() < -1000 || r.getPriority() > 1000) {
            throw invalid("priority must be between -1000 and 1000, got " + r.getPriority());
        }
        time("submitted_at", r.getSubmittedAt(), true);
        time("deadline", r.getDeadline(), false);
        headers(r.getHeaders());
        r.setMethod(method);
        r.setPath(path);
        return r;
    }

    /**
     * {@code value} if it is a usable identifier, else null: what a rejection may quote as the request id
     * or account of input that was refused, without copying a hostile string.
     */
    public static String usableId(String value) {
        try {
            identifier("id", value);
            return value;
        } catch (InvalidRequestException e) {
            return null;
        }
    }

    /**
     * What of a refused request may be copied to {@code rejected} so that its sender can see it: the request
     * with its header values withheld (a value may be a credential under a name no one can foresee), or
     * null when a time in it cannot be written as epoch milliseconds.
     */
    public static ApiRequest copyOfRefused(ApiRequest r) {
        if (!fitsEpochMillis(r.getSubmittedAt()) || r.getDeadline() != null && !fitsEpochMillis(r.getDeadline())) {
            return null;
        }
        ApiRequest copy = ApiRequest.newBuilder(r).build();
        Map<String, String> names = new java.util.LinkedHashMap<>();
        if (r.getHeaders() != null) {
            r.getHeaders().keySet().forEach(name -> names.put(name, "[withheld]"));
        }
        copy.setHeaders(names);
        return copy;
    }

    private static boolean fitsEpochMillis(Instant t) {
        return t != null && !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
    }

    private static void refuseSecrets(ApiRequest r) {
        if (r.getHeaders() != null) {
            for (String name : r.getHeaders().keySet()) {
                if (name != null && SECRET_HEADERS.contains(name.strip().toLowerCase(Locale.ROOT))) {
                    throw new InvalidRequestException(RejectReason.SECRET_IN_REQUEST, "a header carries a credential ("
                            + name.strip().toLowerCase(Locale.ROOT) + "); send credential_ref and let the dispatcher add it");
                }
            }
        }
        if (RequestPath.carriesSecret(r.getPath())) {
            throw new InvalidRequestException(RejectReason.SECRET_IN_REQUEST,
                    "the query string carries a credential; send credential_ref and let the dispatcher add it");
        }
    }

    private static void identifier(String field, String value) {
        if (value == null || value.isBlank()) {
            throw invalid("field '" + field + "' must not be empty");
        }
        text(field, value, MAX_ID);
    }

    private static void label(String field, String value) {
        if (value != null) {
            if (value.isBlank()) {
                throw invalid("field '" + field + "' must be absent or not blank");
            }
            text(field, value, MAX_LABEL);
        }
    }

    private static void text(String field, String value, int max) {
        if (value.length() > max) {
            throw invalid("field '" + field + "' is longer than " + max + " characters (" + value.length() + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || (Character.isSurrogate(c) && !validPair(value, i))) {
                throw invalid("field '" + field + "' holds a control character or a broken surrogate at index " + i);
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
    }

    private static boolean validPair(String value, int i) {
        return Character.isHighSurrogate(value.charAt(i)) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
    }

    private static void time(String field, Instant value, boolean required) {
        if (value == null) {
            if (required) {
                throw invalid("field '" + field + "' is required");
            }
            return;
        }
        if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
            throw invalid("field '" + field + "' must be between " + EARLIEST + " and " + LATEST + ", got " + Excerpt.quote(value.toString()));
        }
    }

    private static void headers(Map<String, String> headers) {
        if (headers == null) {
            throw invalid("field 'headers' must be a map (empty for none)");
        }
        if (headers.size() > MAX_HEADERS) {
            throw invalid("at most " + MAX_HEADERS + " headers, got " + headers.size());
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            if (name == null || name.isEmpty() || name.length() > MAX_HEADER_NAME || !name.chars().allMatch(RequestValidator::isTokenChar)) {
                throw invalid("header name " + Excerpt.quote(name) + " is not an HTTP token of at most " + MAX_HEADER_NAME + " characters");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED_HEADERS.contains(lower) || lower.startsWith(RESERVED_HEADER_PREFIX)) {
                throw invalid("header '" + name + "' is set by the dispatcher, not by a request");
            }
            String value = h.getValue();
            if (value == null || value.length() > MAX_HEADER_VALUE) {
                throw invalid("header '" + name + "' needs a value of at most " + MAX_HEADER_VALUE + " characters");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff)) {
                    // The value is not shown: it may be a credential that failed only because of this character.
                    throw invalid("header '" + name + "' holds a character an HTTP header may not hold (CR, LF, NUL, or beyond Latin-1)");
                }
            }
        }
    }

    private static boolean isTokenChar(int c) {
        return c < 128 && (Character.isLetterOrDigit(c) || TOKEN_MARKS.indexOf(c) >= 0);
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(RejectReason.INVALID_REQUEST, message);
    }
}
