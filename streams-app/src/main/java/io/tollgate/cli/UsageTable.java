package io.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The usage and queue answers of the API as plain-text tables, for the terminal. */
public final class UsageTable {

    private UsageTable() {
    }

    public static String render(JsonNode usage, JsonNode today, JsonNode queue) {
        StringBuilder out = new StringBuilder();
        JsonNode u = usage.path("data");
        out.append("Account ").append(usage.path("account").asText()).append("  policy ").append(u.path("policy").asText())
                .append("  zone ").append(u.path("zone").asText()).append("  (answered by ").append(usage.path("answeredBy").asText())
                .append(", partition ").append(usage.path("partition").asInt()).append(")\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"RULE", "SUBJECT", "USED", "LIMIT", "LEFT", "RESETS", "BINDING", "RUNS OUT"});
        for (JsonNode c : u.path("counters")) {
            rows.add(new String[] {c.path("rule").asText() + ("shadow".equals(c.path("mode").asText()) ? " (shadow)" : ""),
                    c.path("subject").asText(), c.path("used").asText(), c.path("limit").asText()
                    + (c.path("vendorLimit").isNull() || c.path("vendorLimit").isMissingNode() ? "" : " (vendor)"),
                    c.path("remaining").asText(), text(c.path("resetAt")), c.path("binding").asBoolean() ? "yes" : "",
                    text(c.path("runsOutAt"))});
        }
        out.append(table(rows));
        JsonNode t = today.path("data");
        out.append("\nToday (").append(t.path("day").asText()).append("): ").append(t.path("calls").asLong()).append(" calls, ")
                .append(t.path("units").asLong()).append(" units; last call ").append(text(t.path("lastCallAt"))).append('\n');
        List<String[]> byIntegration = new ArrayList<>();
        byIntegration.add(new String[] {"INTEGRATION", "CALLS", "UNITS"});
        for (JsonNode row : t.path("usage")) {
            byIntegration.add(new String[] {row.path("key").asText(), row.path("calls").asText(), row.path("units").asText()});
        }
        out.append(table(byIntegration));
        JsonNode q = queue.path("data");
        out.append("\nWaiting: ").append(q.path("waiting").asInt()).append(" calls; next wake ").append(text(q.path("nextWakeAt"))).append('\n');
        if (q.path("lanes").size() > 0) {
            List<String[]> lanes = new ArrayList<>();
            lanes.add(new String[] {"INTEGRATION", "CREDENTIAL", "WAITING", "OLDEST WAIT", "NEXT WAKE", "HELD BY"});
            for (JsonNode lane : q.path("lanes")) {
                lanes.add(new String[] {lane.path("integration").asText(), text(lane.path("credential")), lane.path("waiting").asText(),
                        lane.path("oldestWaitMs").asLong() / 1000 + " s", text(lane.path("nextWakeAt")), text(lane.path("heldBy"))});
            }
            out.append(table(lanes));
        }
        return out.toString();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? "-" : node.asText();
    }

    static String table(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(String.format("%-" + widths[i] + "s", row[i])).append(i + 1 < columns ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
