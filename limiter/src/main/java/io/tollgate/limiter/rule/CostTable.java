package io.tollgate.limiter.rule;

import io.tollgate.limiter.Call;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cost of a call in the vendor's units, keyed by (API version, method, path template). The most
 * specific matching entry wins; without one, the API version's default applies, then the table's.
 *
 * <p>A vendor's table covers every endpoint (hundreds of rows) and every call is priced, so rows are
 * indexed by method and the literal segments their template starts with (up to {@value #INDEX_DEPTH}):
 * a call is matched only against the rows that can match it.
 */
public final class CostTable {

    /** One row. A null {@code apiVersion} matches any version, but loses to a row naming the version. */
    public record Entry(String apiVersion, String method, PathTemplate path, int cost) {
    }

    static final int INDEX_DEPTH = 3;

    /** Precedence: a row naming the version first, then the more specific template. */
    private static final Comparator<Entry> PRECEDENCE = Comparator.comparingInt((Entry e) -> e.apiVersion() == null ? 0 : 1)
            .thenComparingInt(e -> e.path().specificity())
            .reversed();

    public static final CostTable EMPTY = new CostTable(List.of(), Map.of(), 1);

    private final List<Entry> entries;
    /** Ranks (positions in {@link #entries}) of the rows by method, then leading literals ("api/v2/deals"), in precedence order. */
    private final Map<String, Map<String, int[]>> index = new HashMap<>();
    private final Map<String, Integer> versionDefaults;
    private final int defaultCost;

    public CostTable(List<Entry> entries, Map<String, Integer> versionDefaults, int defaultCost) {
        this.entries = entries.stream().sorted(PRECEDENCE).toList();
        Map<String, Map<String, List<Integer>>> building = new HashMap<>();
        for (int rank = 0; rank < this.entries.size(); rank++) {
            Entry e = this.entries.get(rank);
            building.computeIfAbsent(e.method(), k -> new HashMap<>())
                    .computeIfAbsent(e.path().leadingLiterals(INDEX_DEPTH), k -> new ArrayList<>()).add(rank);
        }
        building.forEach((method, byLeading) -> {
            Map<String, int[]> ranks = new HashMap<>();
            byLeading.forEach((leading, list) -> ranks.put(leading, list.stream().mapToInt(Integer::intValue).toArray()));
            index.put(method, ranks);
        });
        this.versionDefaults = Map.copyOf(versionDefaults);
        this.defaultCost = defaultCost;
    }

    public int costOf(Call call) {
        // The first matching row in precedence order, exactly as a scan of every row would find it.
        String path = call.pathWithoutQuery();
        Map<String, int[]> byLeading = index.get(call.method());
        int best = Integer.MAX_VALUE;
        for (int depth = 0; byLeading != null && depth <= INDEX_DEPTH; depth++) {
            String leading = PathTemplate.leadingSegments(path, depth);
            if (leading == null) {
                break;
            }
            best = Math.min(best, firstMatch(byLeading.get(leading), call, path));
        }
        if (best != Integer.MAX_VALUE) {
            return entries.get(best).cost();
        }
        Integer byVersion = call.apiVersion() == null ? null : versionDefaults.get(call.apiVersion());
        return byVersion != null ? byVersion : defaultCost;
    }

    /** The rank of the first candidate that matches, or {@link Integer#MAX_VALUE}. */
    private int firstMatch(int[] candidates, Call call, String path) {
        if (candidates != null) {
            for (int rank : candidates) {
                Entry e = entries.get(rank);
                if ((e.apiVersion() == null || e.apiVersion().equals(call.apiVersion())) && e.path().matches(path)) {
                    return rank;
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    public List<Entry> entries() {
        return entries;
    }
}
