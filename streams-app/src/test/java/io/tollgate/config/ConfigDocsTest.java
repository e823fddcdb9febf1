package io.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is the definitions, written out. When this fails, regenerate it:
 * {@code mvn -pl streams-app -am test -Dtest=ConfigDocsTest -Ddocs.update=true -Dsurefire.failIfNoSpecifiedTests=false}, and review the diff.
 */
class ConfigDocsTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void shouldFindTheReadmeTableEqualToTheDefinitions() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String generated = ConfigDocs.markdown();
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(README, ConfigDocs.replaceTable(readme, "tollgate", generated), StandardCharsets.UTF_8);
            readme = Files.readString(README, StandardCharsets.UTF_8);
        }
        assertThat(ConfigDocs.tableIn(readme, "tollgate"))
                .as("README.md's configuration table; regenerate with -Dtest=ConfigDocsTest -Ddocs.update=true")
                .isEqualTo(generated);
    }

    @Test
    void shouldDocumentEveryKeyInAGroupTheTableShows() {
        String table = ConfigDocs.markdown();
        for (ConfigKey key : TollgateConfigDef.DEFINITION.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank().endsWith(".");
            assertThat(key.group).as(key.name).isNotBlank();
            assertThat(table).as(key.name).contains("| `" + key.name + "` |");
        }
    }

    @Test
    void shouldShowSecretsWithoutTheirDefaultValue() {
        assertThat(ConfigDocs.markdown()).contains("| `rest.auth.token` | (empty) | secret string |");
    }

    @Test
    void shouldWriteEachKeyAsOneCellSafeLineWithRequiredAndClassDefaults() {
        ConfigDef def = new ConfigDef()
                .define("a.url", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                        "Where <host> goes; `Bearer <token>` stays code.\nSecond line | with a pipe.", "G", 1, ConfigDef.Width.SHORT, "a")
                .define("a.class", ConfigDef.Type.CLASS, String.class, ConfigDef.Importance.LOW, "A class.", "G", 2,
                        ConfigDef.Width.SHORT, "b");

        assertThat(ConfigDocs.markdown(def)).isEqualTo("""
                | key | default | valid values | meaning |
                |---|---|---|---|
                | **G** | | | |
                | `a.url` | required | string | Where &lt;host&gt; goes; `Bearer <token>` stays code. Second line \\| with a pipe. |
                | `a.class` | `String` | class | A class. |
                """);
    }
}
