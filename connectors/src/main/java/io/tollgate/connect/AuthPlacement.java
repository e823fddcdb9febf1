package io.tollgate.connect;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** Where a secret goes in the HTTP request: a query parameter, a header, or an Authorization bearer token. */
record AuthPlacement(Kind kind, String name) {

    enum Kind { QUERY, HEADER, BEARER }

    static AuthPlacement parse(String spec) {
        if (spec.equals("bearer")) {
            return new AuthPlacement(Kind.BEARER, "Authorization");
        }
        int colon = spec.indexOf(':');
        return new AuthPlacement(spec.startsWith("query:") ? Kind.QUERY : Kind.HEADER, spec.substring(colon + 1));
    }

    /** Adds the secret to the request; returns the URI to use (changed for query placement). */
    URI apply(URI uri, HttpRequest.Builder request, String secret) {
        switch (kind) {
            case BEARER -> request.header("Authorization", "Bearer " + secret);
            case HEADER -> request.header(name, secret);
            default -> {
                String param = name + "=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
                String text = uri.toString();
                return URI.create(text + (uri.getRawQuery() == null ? "?" : "&") + param);
            }
        }
        return uri;
    }
}
