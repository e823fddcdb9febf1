package io.tollgate.policy;

/** A policy, account or cost table that cannot be used, with the path of the offending field. */
public class PolicyException extends RuntimeException {

    private final String path;

    public PolicyException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    public PolicyException(String path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    /** Where the problem is, e.g. {@code policies[0].rules[2].slidingWindow.window}. */
    public String path() {
        return path;
    }
}
