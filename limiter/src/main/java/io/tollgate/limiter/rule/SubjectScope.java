package io.tollgate.limiter.rule;

import io.tollgate.limiter.Call;

/** What a rule counts per. */
public enum SubjectScope {
    CREDENTIAL, USER, INTEGRATION, ACCOUNT;

    /** Calls without a user share one "(none)" counter: conservative, never uncounted. */
    public String subjectOf(Call call) {
        return switch (this) {
            case CREDENTIAL -> "credential:" + call.credential();
            case USER -> "user:" + (call.user() == null ? "(none)" : call.user());
            case INTEGRATION -> "integration:" + call.integration();
            case ACCOUNT -> "account:" + call.account();
        };
    }
}
