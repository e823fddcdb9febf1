package io.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.app.TollgateApp;
import io.tollgate.cli.PolicyCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./tollgate policy} against a running limiter: a file is checked as the limiter checks it, applying
 * shows what changes and writes only that, the change is in force when the command returns, and an invalid
 * file is never published.
 */
class PolicyCommandIT extends TollgateITBase {

    private static final String FIVE = """
            policies:
              - id: burst
                description: five per two seconds
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 5, window: 2s}}
            accounts:
              - {id: acme, policy: burst}
            """;

    @Test
    void shouldShowWhatChangesApplyOnlyThatAndRefuseAnInvalidFile() throws Exception {
        try (TollgateApp app = startTollgate("cli", FIVE, Map.of())) {
            String[] cluster = {"--bootstrap.servers=" + app.bootstrapServers(), "--schema.registry.url=" + app.registryUrl(),
                    "--topic.prefix=cli."};
            Path twenty = Files.writeString(work.resolve("twenty.yaml"), FIVE.replace("limit: 5", "limit: 20") + """
                      - {id: globex, policy: burst}
                    """);
            Path invalid = Files.writeString(work.resolve("invalid.yaml"), FIVE.replace("limit: 5", "limit: -5"));

            PolicyCommandRunner.Result shown = PolicyCommandRunner.run(cluster, "show");
            assertThat(shown.exitCode()).isZero();
            assertThat(shown.out()).contains("burst").contains("acme").doesNotContain("globex");

            PolicyCommandRunner.Result refused = PolicyCommandRunner.run(cluster, "apply", invalid.toString());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).startsWith("Refused, nothing published: ").contains(invalid.toString()).contains("limit");
            assertThat(PolicyCommandRunner.run(cluster, "validate", invalid.toString()).exitCode()).isEqualTo(1);

            PolicyCommandRunner.Result valid = PolicyCommandRunner.run(new String[0], "validate", twenty.toString());
            assertThat(valid.exitCode()).as(valid.err()).isZero();
            assertThat(valid.out()).contains("is valid: 1 policies [burst], 2 accounts [acme, globex]");

            PolicyCommandRunner.Result dryRun = PolicyCommandRunner.run(cluster, "apply", twenty.toString(), "--dry-run");
            assertThat(dryRun.exitCode()).isZero();
            assertThat(dryRun.out()).contains("~ policy burst: rules[burst].limit.amount.fixed 5 -> 20")
                    .contains("= account acme (unchanged)").contains("+ account globex (new)").contains("Dry run: 2 to write");

            PolicyCommandRunner.Result applied = PolicyCommandRunner.run(cluster, "apply", twenty.toString());
            assertThat(applied.exitCode()).as(applied.err()).isZero();
            assertThat(applied.out()).contains("Published 2").endsWith("In force.\n");
            assertThat(PolicyCommandRunner.run(cluster, "show", "burst").out()).contains("\"fixed\": 20");
            assertThat(PolicyCommandRunner.run(cluster, "show", "globex").out()).startsWith("account globex");
            assertThat(PolicyCommandRunner.run(cluster, "show", "nobody").exitCode()).isEqualTo(1);

            PolicyCommandRunner.Result again = PolicyCommandRunner.run(cluster, "apply", twenty.toString());
            assertThat(again.out()).as("applying the same file twice writes nothing").contains("Nothing to change.");
            assertThat(PolicyCommandRunner.run(cluster, "frobnicate").exitCode()).isEqualTo(2);
        }
    }
}
