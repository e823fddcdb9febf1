package io.tollgate.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the running sandbox ({@code ./tollgate}) listens, written by it at start so that the commands run
 * from the same directory ({@code ./tollgate watch}, {@code ./tollgate policy}) find it without flags.
 */
public final class SandboxEndpoints {

    public static final Path FILE = Path.of(".tollgate", "endpoints.properties");

    private SandboxEndpoints() {
    }

    public static void record(String bootstrap, String registry, String topicPrefix) throws IOException {
        Files.createDirectories(FILE.getParent());
        Files.writeString(FILE, "bootstrap.servers=" + bootstrap + "\nschema.registry.url=" + registry + "\ntopic.prefix=" + topicPrefix + "\n");
    }

    /** The running sandbox's bootstrap.servers, schema.registry.url and topic.prefix, if it wrote them. */
    public static Optional<Map<String, String>> read() throws IOException {
        if (!Files.exists(FILE)) {
            return Optional.empty();
        }
        Properties endpoints = new Properties();
        try (Reader in = Files.newBufferedReader(FILE)) {
            endpoints.load(in);
        }
        return Optional.of(Map.of("bootstrap.servers", endpoints.getProperty("bootstrap.servers", ""),
                "schema.registry.url", endpoints.getProperty("schema.registry.url", ""),
                "topic.prefix", endpoints.getProperty("topic.prefix", "tollgate.")));
    }
}
