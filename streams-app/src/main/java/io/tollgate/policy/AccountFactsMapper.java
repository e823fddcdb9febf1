package io.tollgate.policy;

import io.tollgate.avro.policy.Account;
import io.tollgate.limiter.AccountFacts;
import java.time.DateTimeException;
import java.time.ZoneId;

/** Account records of the {@code accounts} topic, as the engine needs them. */
public final class AccountFactsMapper {

    private AccountFactsMapper() {
    }

    public static AccountFacts toFacts(Account account) {
        validate(account, "account '" + account.getId() + "'");
        return new AccountFacts(account.getId(), account.getPlan(), account.getSeats(), ZoneId.of(account.getTimeZone()),
                account.getExtraUnits(), account.getIntegrationWeights());
    }

    /** Facts for an account that has no record: the default policy with neutral facts. */
    public static AccountFacts unknown(String accountId) {
        return AccountFacts.of(accountId, null, 1, ZoneId.of("UTC"));
    }

    static void validate(Account account, String path) {
        if (account.getId().isBlank()) {
            throw new PolicyException(path + ".id", "required");
        }
        if (account.getSeats() < 1) {
            throw new PolicyException(path + ".seats", "must be at least 1, got " + account.getSeats());
        }
        if (account.getExtraUnits() < 0) {
            throw new PolicyException(path + ".extraUnits", "must not be negative");
        }
        try {
            ZoneId.of(account.getTimeZone());
        } catch (DateTimeException e) {
            throw new PolicyException(path + ".timeZone", "'" + account.getTimeZone() + "' is not a time zone (IANA id such as Europe/Berlin)");
        }
        account.getIntegrationWeights().forEach((integration, weight) -> {
            if (weight < 1) {
                throw new PolicyException(path + ".integrationWeights." + integration, "must be at least 1, got " + weight);
            }
        });
    }
}
