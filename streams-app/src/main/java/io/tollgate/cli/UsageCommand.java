package io.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code ./tollgate usage ACCOUNT [--url=http://127.0.0.1:8080]}: an account's counters, its day and its
 * queue as tables, asked of any instance (the token, if the API requires one, from TOLLGATE_REST_AUTH_TOKEN).
 */
public final class UsageCommand {

    private UsageCommand() {
    }

    public static void main(String[] args) throws Exception {
        String account = null;
        String url = "http://127.0.0.1:8080";
        for (String arg : args) {
            if (arg.startsWith("--url=")) {
                url = arg.substring("--url=".length());
            } else if (!arg.startsWith("--") && account == null) {
                account = arg;
            }
        }
        if (account == null) {
            System.err.println("usage: ./tollgate usage ACCOUNT [--url=http://127.0.0.1:8080]");
            System.exit(2);
        }
        String token = System.getenv("TOLLGATE_REST_AUTH_TOKEN");
        String base = url + "/accounts/" + URLEncoder.encode(account, StandardCharsets.UTF_8).replace("+", "%20");
        try {
            JsonNode usage = get(base + "/usage", token);
            JsonNode today = get(base + "/usage/today?by=integration", token);
            JsonNode queue = get(base + "/queue", token);
            System.out.print(UsageTable.render(usage, today, queue));
        } catch (java.io.IOException | IllegalStateException e) {
            System.err.println("Tollgate at " + url + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static JsonNode get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + " " + body.path("error").asText());
        }
        return body;
    }
}
