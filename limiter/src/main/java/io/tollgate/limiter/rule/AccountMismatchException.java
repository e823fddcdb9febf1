package io.tollgate.limiter.rule;

/** An account's facts do not fit its policy, for example a plan the policy has no limit for. */
public class AccountMismatchException extends RuntimeException {

    public AccountMismatchException(String message) {
        super(message);
    }
}
