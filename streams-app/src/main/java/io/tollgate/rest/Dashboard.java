package io.tollgate.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The dashboard's static files (plain HTML, CSS and JavaScript, no build step), served as they are: they
 * hold no data, so they need no token; the page asks the API for everything it shows.
 */
final class Dashboard {

    static final String PATH = "/dashboard/";
    private static final Map<String, String> FILES = Map.of("index.html", "text/html; charset=utf-8", "dashboard.js",
            "text/javascript; charset=utf-8", "dashboard.css", "text/css; charset=utf-8");

    private Dashboard() {
    }

    /** The answer for {@code path}, or null when it is not the dashboard's. */
    static Reply serve(String path) throws IOException {
        if (path.equals("/dashboard") || path.equals("/")) {
            return new Reply(302, "text/plain", new byte[0], Map.of("Location", PATH));
        }
        if (!path.startsWith(PATH)) {
            return null;
        }
        String name = path.equals(PATH) ? "index.html" : path.substring(PATH.length());
        String type = FILES.get(name);
        if (type == null) {
            return null;
        }
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            return in == null ? null : new Reply(200, type, in.readAllBytes(), Map.of());
        }
    }
}
