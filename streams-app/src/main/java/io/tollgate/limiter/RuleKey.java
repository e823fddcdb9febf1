package io.tollgate.limiter;

/**
 * Identifies one counter: a rule of an account's policy and the subject it counts for, such as
 * {@code credential:pipedrive/acme-main} or {@code user:42}.
 */
public record RuleKey(String ruleId, String subject) {

    /** The rule id under which vendor pauses (after a 429 or a block) are kept. */
    public static final String PAUSE_RULE = "~pause";

    public static RuleKey pauseOf(String credential) {
        return new RuleKey(PAUSE_RULE, "credential:" + credential);
    }
}
