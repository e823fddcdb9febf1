package io.tollgate.rest;

import java.util.Map;

/**
 * What an endpoint sees of a request: path parameters, query parameters (first value of each), the
 * path and query as received (to forward it), and the headers it may pass on.
 */
public record Exchange(Map<String, String> pathParams, Map<String, String> queryParams, String pathAndQuery,
                       String authorization, String forwardedBy) {

    public String path(String name) {
        return pathParams.get(name);
    }

    public String query(String name) {
        return queryParams.get(name);
    }
}
