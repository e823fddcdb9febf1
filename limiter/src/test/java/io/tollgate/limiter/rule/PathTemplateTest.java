package io.tollgate.limiter.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathTemplateTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "/v1/deals/{id}, /v1/deals/42, true",
        "/v1/deals/{id}, /v1/deals/42/products, false",
        "/v1/deals/{id}, /v1/deals, false",
        "/v1/deals/{id}, /v1/deals/, false",
        "/v1/*/search, /v1/persons/search, true",
        "/v1/itemSearch/**, /v1/itemSearch, true",
        "/v1/itemSearch/**, /v1/itemSearch/field, true",
        "/v1/itemSearch/**, /v1/itemSearchX, false",
        "/oauth/**, /oauth/token, true",
        "/api/v2/deals, /api/v2/deals/, true",
        "/api/v2/deals, //api//v2/deals, true",
        "/api/v2/deals, /api/v2/dealz, false"})
    void shouldMatchSegmentBySegment(String template, String path, boolean matches) {
        assertThat(PathTemplate.parse(template).matches(path)).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource({"v1/deals", "/v1/**/search", "/v1/{id"})
    void shouldRefuseMalformedTemplates(String template) {
        assertThatThrownBy(() -> PathTemplate.parse(template)).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("a", "b", "deals", "42", "").list().ofMaxSize(5).map(parts -> "/" + String.join("/", parts));
    }

    @Provide
    Arbitrary<String> templates() {
        return Arbitraries.of("a", "b", "deals", "42", "{id}", "*").list().ofMaxSize(4)
                .flatMap(parts -> Arbitraries.of("", "/**").map(tail -> "/" + String.join("/", parts) + tail))
                .map(t -> t.replace("//**", "/**"));
    }

    /** The allocation-free matcher agrees with a plain split-and-compare reference on any input. */
    @Property(tries = 1000)
    void shouldAgreeWithASplittingReference(@ForAll("templates") String template, @ForAll("paths") String path) {
        assertThat(PathTemplate.parse(template).matches(path)).isEqualTo(reference(template, path));
    }

    private static boolean reference(String template, String path) {
        List<String> t = Arrays.stream(template.split("/")).filter(s -> !s.isEmpty()).toList();
        List<String> p = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        boolean rest = !t.isEmpty() && t.get(t.size() - 1).equals("**");
        List<String> fixed = rest ? t.subList(0, t.size() - 1) : t;
        if (rest ? p.size() < fixed.size() : p.size() != fixed.size()) {
            return false;
        }
        for (int i = 0; i < fixed.size(); i++) {
            String s = fixed.get(i);
            if (!s.equals("*") && !s.startsWith("{") && !s.equals(p.get(i))) {
                return false;
            }
        }
        return true;
    }
}
