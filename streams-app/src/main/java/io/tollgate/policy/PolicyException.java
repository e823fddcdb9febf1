package io.tollgate.policy;

/**
 * A policy, account or cost table that cannot be used, with the path of the offending field. The path
 * can hold names from the record itself (a plan, an API version): the message is kept to one readable
 * line whatever they are, because it goes to the log and to {@code rejected}.
 */
public class PolicyException extends RuntimeException {

    static final int MAX_PART = 400;

    private final String path;
    private final String problem;

    public PolicyException(String path, String problem) {
        super(bounded(path) + ": " + bounded(problem));
        this.path = path;
        this.problem = problem;
    }

    public PolicyException(String path, String problem, Throwable cause) {
        super(bounded(path) + ": " + bounded(problem), cause);
        this.path = path;
        this.problem = problem;
    }

    /** The same problem, its path prefixed with the file it is in ({@code "policies.yaml: "}; empty for none). */
    public PolicyException in(String source) {
        if (source.isEmpty()) {
            return this;
        }
        PolicyException located = new PolicyException(source + path, problem, getCause());
        located.setStackTrace(getStackTrace());
        return located;
    }

    private static String bounded(String text) {
        String clean = String.valueOf(text).replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= MAX_PART ? clean : clean.substring(0, MAX_PART) + "... (" + clean.length() + " characters)";
    }

    /** Where the problem is, e.g. {@code policies[0].rules[2].slidingWindow.window}. */
    public String path() {
        return path;
    }
}
