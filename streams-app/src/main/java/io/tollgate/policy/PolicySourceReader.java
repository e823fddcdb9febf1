package io.tollgate.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the text of a resolved location, a file or a {@code classpath:} resource; a failure names where it was asked for. */
final class PolicySourceReader {

    private PolicySourceReader() {
    }

    /** @param asWritten where the location was named (a path in the including file), for the error */
    static String read(String location, String asWritten) {
        try {
            if (location.startsWith(PolicyLocations.CLASSPATH)) {
                String resource = location.substring(PolicyLocations.CLASSPATH.length());
                try (InputStream in = PolicySourceReader.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new PolicyException(asWritten, "no such resource on the classpath: " + resource);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(Path.of(location));
        } catch (IOException e) {
            throw new PolicyException(asWritten, "cannot read " + location + ": " + e.getMessage(), e);
        }
    }
}
