package io.tollgate.policy;

import java.nio.file.Path;

/**
 * Where a file named in a policy file is: a path relative to the file that names it, an absolute path, or
 * a {@code classpath:} resource (the bundled presets). Pure string and path logic; nothing is read here.
 */
final class PolicyLocations {

    static final String CLASSPATH = "classpath:";

    private PolicyLocations() {
    }

    /** {@code location} as written in a file under {@code baseDir}, made absolute (or a full classpath name). */
    static String resolve(String location, String baseDir) {
        if (location.startsWith(CLASSPATH)) {
            return location;
        }
        if (baseDir.startsWith(CLASSPATH)) {
            return CLASSPATH + (baseDir.length() == CLASSPATH.length() ? "" : baseDir.substring(CLASSPATH.length()) + "/") + location;
        }
        Path path = Path.of(location);
        return (path.isAbsolute() || baseDir.isEmpty() ? path : Path.of(baseDir).resolve(path)).normalize().toString();
    }

    /** The directory that files named inside {@code location} are relative to. */
    static String parentOf(String location) {
        if (location.startsWith(CLASSPATH)) {
            int slash = location.lastIndexOf('/');
            return slash < 0 ? CLASSPATH : location.substring(0, slash);
        }
        Path parent = Path.of(location).toAbsolutePath().getParent();
        return parent == null ? "" : parent.toString();
    }
}
