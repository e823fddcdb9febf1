package io.tollgate.policy;

import io.tollgate.avro.policy.CostEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cost table in CSV: {@code api_version,method,path,cost}, one endpoint per line, '#' comments, an
 * empty version for "any version". The shape of the vendors' {@code x-token-cost} OpenAPI extension.
 */
public final class CostTableFile {

    private CostTableFile() {
    }

    public static List<CostEntry> parse(String csv, String source) {
        List<CostEntry> entries = new ArrayList<>();
        String[] lines = csv.split("\r?\n");
        boolean header = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (i + 1);
            String[] cells = line.split(",", -1);
            if (header) {
                header = false;
                if (!line.toLowerCase(Locale.ROOT).replace(" ", "").equals("api_version,method,path,cost")) {
                    throw new PolicyException(where, "the first line must be the header 'api_version,method,path,cost'");
                }
                continue;
            }
            if (cells.length != 4) {
                throw new PolicyException(where, "expected 4 cells (api_version,method,path,cost), got " + cells.length);
            }
            int cost;
            try {
                cost = Integer.parseInt(cells[3].strip());
            } catch (NumberFormatException e) {
                throw new PolicyException(where, "cost '" + cells[3].strip() + "' is not a whole number");
            }
            String version = cells[0].strip();
            entries.add(CostEntry.newBuilder()
                    .setApiVersion(version.isEmpty() ? null : version)
                    .setMethod(cells[1].strip().toUpperCase(Locale.ROOT))
                    .setPath(cells[2].strip())
                    .setCost(cost)
                    .build());
        }
        if (header) {
            throw new PolicyException(source, "the cost table is empty");
        }
        return entries;
    }
}
