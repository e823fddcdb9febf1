package io.tollgate.intake;

import io.tollgate.avro.ApiRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a decoded request, whatever format it came in: required fields, sane values, and no secret.
 * Credentials are references resolved by the dispatcher; a request that carries the secret itself is
 * refused so the secret goes no further than the topic it was written to.
 */
public final class RequestValidator {

    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "x-api-key", "api-key", "x-api-token", "x-auth-token", "x-access-token");
    private static final Pattern SECRET_QUERY = Pattern.compile("(?i)[?&](api_token|access_token|api_key|apikey|password|client_secret)=");
    private static final int MAX_ID = 256;
    private static final int MAX_PATH = 8192;

    private RequestValidator() {
    }

    /** Throws {@link InvalidRequestException} for the first problem found. */
    public static void validate(ApiRequest r) {
        identifier("request_id", r.getRequestId());
        identifier("account", r.getAccount());
        identifier("credential_ref", r.getCredentialRef());
        identifier("integration", r.getIntegration());
        if (r.getUser() != null) {
            identifier("user", r.getUser());
        }
        if (!METHODS.contains(r.getMethod().toUpperCase(Locale.ROOT))) {
            invalid("method '" + r.getMethod() + "' is not one of " + new java.util.TreeSet<>(METHODS));
        }
        String path = r.getPath();
        if (path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH || path.chars().anyMatch(c -> c <= ' ')) {
            invalid("path must start with '/', hold no spaces or control characters and be at most " + MAX_PATH + " characters");
        }
        if (r.getCost() != null && r.getCost() < 0) {
            invalid("cost must not be negative, got " + r.getCost());
        }
        if (r.getPriority() < -1000 || r.getPriority() > 1000) {
            invalid("priority must be between -1000 and 1000, got " + r.getPriority());
        }
        for (Map.Entry<String, String> h : r.getHeaders().entrySet()) {
            if (SECRET_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                throw new InvalidRequestException(RejectCode.SECRET_IN_REQUEST, "header '" + h.getKey()
                        + "' carries a credential; send credential_ref and let the dispatcher add it");
            }
        }
        if (SECRET_QUERY.matcher(path).find()) {
            throw new InvalidRequestException(RejectCode.SECRET_IN_REQUEST,
                    "the query string carries a credential; send credential_ref and let the dispatcher add it");
        }
    }

    private static void identifier(String field, String value) {
        if (value == null || value.isBlank()) {
            invalid("field '" + field + "' must not be empty");
        }
        if (value.length() > MAX_ID) {
            invalid("field '" + field + "' is longer than " + MAX_ID + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            invalid("field '" + field + "' holds control characters");
        }
    }

    private static void invalid(String message) {
        throw new InvalidRequestException(RejectCode.INVALID_REQUEST, message);
    }
}
