package io.tollgate.limiter.rule;

import io.tollgate.limiter.Call;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Cost of a call in the vendor's units, keyed by (API version, method, path template). The most
 * specific matching entry wins; without one, the API version's default applies, then the table's.
 */
public final class CostTable {

    /** One row. A null {@code apiVersion} matches any version, but loses to a row naming the version. */
    public record Entry(String apiVersion, String method, PathTemplate path, int cost) {
    }

    public static final CostTable EMPTY = new CostTable(List.of(), Map.of(), 1);

    private final List<Entry> entries;
    private final Map<String, Integer> versionDefaults;
    private final int defaultCost;

    public CostTable(List<Entry> entries, Map<String, Integer> versionDefaults, int defaultCost) {
        this.entries = entries.stream()
                .sorted(Comparator.comparingInt((Entry e) -> e.apiVersion() == null ? 0 : 1)
                        .thenComparingInt(e -> e.path().specificity())
                        .reversed())
                .toList();
        this.versionDefaults = Map.copyOf(versionDefaults);
        this.defaultCost = defaultCost;
    }

    public int costOf(Call call) {
        String path = call.pathWithoutQuery();
        for (Entry e : entries) {
            if ((e.apiVersion() == null || e.apiVersion().equals(call.apiVersion()))
                    && e.method().equals(call.method()) && e.path().matches(path)) {
                return e.cost();
            }
        }
        Integer byVersion = call.apiVersion() == null ? null : versionDefaults.get(call.apiVersion());
        return byVersion != null ? byVersion : defaultCost;
    }

    public List<Entry> entries() {
        return entries;
    }
}
