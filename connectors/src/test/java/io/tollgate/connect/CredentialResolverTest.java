package io.tollgate.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialResolverTest {

    @TempDir
    Path dir;

    @Test
    void shouldResolveFromAFileAndPickUpRotationAfterTheCache() throws Exception {
        Path file = Files.writeString(dir.resolve("c.properties"), "pipedrive/acme=first\n");
        FileConfigProvider provider = new FileConfigProvider();
        provider.configure(Map.of());
        AtomicLong clock = new AtomicLong(0);
        CredentialResolver resolver = new CredentialResolver(provider, file.toString(), "raw", 1000, clock::get);

        assertThat(resolver.resolve("pipedrive/acme")).isEqualTo("first");
        Files.writeString(file, "pipedrive/acme=second\n");
        assertThat(resolver.resolve("pipedrive/acme")).isEqualTo("first");
        clock.set(1001);
        assertThat(resolver.resolve("pipedrive/acme")).isEqualTo("second");
    }

    @Test
    void shouldMapReferencesToEnvironmentVariableNames() {
        EnvVarConfigProvider provider = new EnvVarConfigProvider(Map.of("TOLLGATE_CREDENTIAL_PIPEDRIVE_ACME_MAIN", "from-env"));
        provider.configure(Map.of());
        CredentialResolver resolver = new CredentialResolver(provider, "", "env", 1000, System::currentTimeMillis);

        assertThat(resolver.keyOf("pipedrive/acme-main")).isEqualTo("TOLLGATE_CREDENTIAL_PIPEDRIVE_ACME_MAIN");
        assertThat(resolver.resolve("pipedrive/acme-main")).isEqualTo("from-env");
        assertThatThrownBy(() -> resolver.resolve("missing/one"))
                .isInstanceOf(CredentialResolver.UnknownCredentialException.class)
                .hasMessageContaining("missing/one");
    }
}
