package io.tollgate.sandbox.vendor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The vendor's published token costs (the CSV Tollgate's preset also reads, as a vendor's OpenAPI
 * would be read by both sides). The matching is the vendor's own, written independently.
 */
final class PipedriveCosts {

    private record Row(String version, String method, String[] segments, int cost) {
    }

    private final List<Row> rows = new ArrayList<>();

    PipedriveCosts() {
        try (InputStream in = PipedriveCosts.class.getClassLoader().getResourceAsStream("presets/pipedrive-costs.csv")) {
            String csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : csv.split("\n")) {
                if (line.isBlank() || line.startsWith("#") || line.startsWith("api_version")) {
                    continue;
                }
                String[] c = line.split(",");
                rows.add(new Row(c[0], c[1], c[2].substring(1).split("/"), Integer.parseInt(c[3].trim())));
            }
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cannot read the published cost table", e);
        }
    }

    int cost(String method, String path) {
        String version = path.startsWith("/api/v2/") ? "v2" : "v1";
        if (path.startsWith("/api/v1/")) {
            path = path.substring("/api".length()); // the company-domain form of v1 is the same endpoint
        }
        String[] segments = path.substring(1).split("/");
        int best = -1;
        int bestLiterals = -1;
        for (Row row : rows) {
            if (!row.method().equals(method) || !(row.version().isEmpty() || row.version().equals(version))) {
                continue;
            }
            int literals = matches(row.segments(), segments);
            if (literals > bestLiterals) {
                best = row.cost();
                bestLiterals = literals;
            }
        }
        return best >= 0 ? best : (version.equals("v2") ? 10 : 20);
    }

    /** Literal segments matched, or -1. */
    private static int matches(String[] template, String[] path) {
        boolean rest = template.length > 0 && template[template.length - 1].equals("**");
        int fixed = rest ? template.length - 1 : template.length;
        if (rest ? path.length < fixed : path.length != fixed) {
            return -1;
        }
        int literals = 0;
        for (int i = 0; i < fixed; i++) {
            boolean variable = template[i].startsWith("{") || template[i].equals("*");
            if (!variable && !template[i].equals(path[i])) {
                return -1;
            }
            literals += variable ? 0 : 1;
        }
        return literals;
    }
}
