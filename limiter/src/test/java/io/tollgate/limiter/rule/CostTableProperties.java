package io.tollgate.limiter.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.Call;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The cost table looks rows up through an index; whatever the rows and the path, it must price a call
 * exactly as a scan of every row in precedence order would.
 */
class CostTableProperties {

    private static final List<String> SEGMENTS = List.of("v1", "api", "deals", "search", "{id}", "*", "7");

    @Provide
    Arbitrary<List<CostTable.Entry>> rows() {
        return entries().list().ofMaxSize(30);
    }

    private Arbitrary<CostTable.Entry> entries() {
        Arbitrary<String> template = Arbitraries.of(SEGMENTS).list().ofMinSize(0).ofMaxSize(4)
                .flatMap(segments -> Arbitraries.of("", "/**").map(tail -> "/" + String.join("/", segments) + tail))
                .map(t -> t.replace("//", "/"));
        return Combinators.combine(Arbitraries.of("v1", "v2", "").map(v -> v.isEmpty() ? null : v), Arbitraries.of("GET", "POST"),
                template, Arbitraries.integers().between(0, 100))
                .as((version, method, path, cost) -> new CostTable.Entry(version, method, PathTemplate.parse(path), cost));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("v1", "api", "deals", "search", "7", "x", "").list().ofMaxSize(5)
                .flatMap(segments -> Arbitraries.of("", "/", "?q=1").map(tail -> "/" + String.join("/", segments) + tail));
    }

    @Property(tries = 2000)
    void shouldPriceExactlyAsAScanOfEveryRow(@ForAll("rows") List<CostTable.Entry> rows, @ForAll("paths") String path,
                                             @ForAll("versions") String version, @ForAll("methods") String method) {
        CostTable table = new CostTable(rows, Map.of("v1", 1000), 2000);
        Call call = new Call("r", "a", "c", CredentialKind.API_TOKEN, null, "i", method, path, version, null, null, 0, null);

        assertThat(table.costOf(call)).isEqualTo(scan(rows, call));
    }

    @Provide
    Arbitrary<String> versions() {
        return Arbitraries.of("v1", "v2", "v3").injectNull(0.2);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST");
    }

    /** The reference: every row, most specific first (a row naming the version before one that does not), stable. */
    private static int scan(List<CostTable.Entry> rows, Call call) {
        List<CostTable.Entry> ordered = rows.stream()
                .sorted(Comparator.comparingInt((CostTable.Entry e) -> e.apiVersion() == null ? 0 : 1)
                        .thenComparingInt(e -> e.path().specificity()).reversed())
                .toList();
        for (CostTable.Entry e : ordered) {
            if ((e.apiVersion() == null || e.apiVersion().equals(call.apiVersion())) && e.method().equals(call.method())
                    && e.path().matches(call.pathWithoutQuery())) {
                return e.cost();
            }
        }
        return "v1".equals(call.apiVersion()) ? 1000 : 2000;
    }
}
