package io.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.limiter.LimiterSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One fixture file per invalid policy (as envoyproxy/ratelimit does). Each starts with
 * {@code # expect: <text>}: the error must name the field and say what is wrong.
 */
class InvalidPolicyFixturesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/policies/invalid");

    static Stream<Path> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void shouldRefuseInvalidPolicyNamingTheField(Path fixture) throws IOException {
        String expected = Files.readAllLines(fixture).get(0).replaceFirst("^# expect: ", "");

        assertThatThrownBy(() -> PolicyFile.load(fixture.toString(), LimiterSettings.DEFAULTS))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void shouldHaveAFixtureForEveryCaseListed() throws IOException {
        List<Path> all = fixtures().toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(25);
        assertThat(all).allSatisfy(f -> assertThat(Files.readAllLines(f).get(0)).startsWith("# expect: "));
    }
}
