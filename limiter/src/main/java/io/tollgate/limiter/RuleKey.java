package io.tollgate.limiter;

/**
 * Identifies one counter: a rule of an account's policy and the subject it counts for, such as
 * {@code credential:pipedrive/acme-main} or {@code user:42}.
 */
public record RuleKey(String ruleId, String subject) {

    /**
     * The rule id under which what the vendor said of a credential (pauses, its own limits) is kept. Named
     * for what it first held: stores hold keys under this name.
     */
    public static final String CREDENTIAL_RULE = "~pause";

    /** Where the {@link io.tollgate.limiter.limit.CredentialState} of a credential is kept. */
    public static RuleKey credentialOf(String credential) {
        return new RuleKey(CREDENTIAL_RULE, "credential:" + credential);
    }
}
