package io.tollgate.connect;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes a secret out of any text that leaves the HTTP request: a response body that echoes the token,
 * an exception message that quotes a header value or a URL. Results are written to a topic, and what
 * is written there is read by many; the secret, however encoded, becomes {@value #MASK}.
 */
final class Redaction {

    static final String MASK = "[redacted]";

    private final List<String> forms;

    Redaction(String secret) {
        this.forms = secret == null || secret.isEmpty() ? List.of()
                : List.of(secret, secret.strip(), URLEncoder.encode(secret, StandardCharsets.UTF_8)).stream()
                        .filter(s -> !s.isEmpty()).distinct().toList();
    }

    String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String form : forms) {
            out = out.replace(form, MASK);
        }
        return out;
    }

    Map<String, String> apply(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> out.put(name, apply(value)));
        return out;
    }
}
