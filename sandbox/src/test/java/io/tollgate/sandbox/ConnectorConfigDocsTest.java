package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.ConfigDocs;
import io.tollgate.connect.HttpDispatchSinkConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's table of the dispatch connector's settings is its ConfigDef, written out (here, where both the
 * connector and the table writer are on the classpath). When this fails, regenerate it:
 * {@code mvn -pl sandbox -am test -Dtest=ConnectorConfigDocsTest -Ddocs.update=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ConnectorConfigDocsTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void shouldFindTheReadmeTableEqualToTheConnectorsDefinitions() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String generated = ConfigDocs.markdown(HttpDispatchSinkConfig.CONFIG);
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(README, ConfigDocs.replaceTable(readme, "connector", generated), StandardCharsets.UTF_8);
            readme = Files.readString(README, StandardCharsets.UTF_8);
        }
        assertThat(ConfigDocs.tableIn(readme, "connector"))
                .as("README.md's connector table; regenerate with -Dtest=ConnectorConfigDocsTest -Ddocs.update=true")
                .isEqualTo(generated);
        assertThat(generated).contains("| `http.base.url` | required |").contains("| `credentials.cache.ms` | `300000` |")
                .contains("| `credentials.provider.class` | `FileConfigProvider` |");
    }
}
