package io.tollgate.policy;

import io.tollgate.avro.policy.Account;
import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.schemas.request.Excerpt;
import io.tollgate.schemas.request.RequestValidator;
import java.time.DateTimeException;
import java.time.ZoneId;

/** Account records of the {@code accounts} topic, as the engine needs them. */
public final class AccountFactsMapper {

    private AccountFactsMapper() {
    }

    public static AccountFacts toFacts(Account account) {
        validate(account, "account " + Excerpt.quote(account.getId()));
        return new AccountFacts(account.getId(), account.getPlan(), account.getSeats(),
                account.getTimeZone() == null ? null : ZoneId.of(account.getTimeZone()), account.getExtraUnits(),
                account.getIntegrationWeights());
    }

    /** Facts for an account that has no record: the default policy with neutral facts (no plan, no zone). */
    public static AccountFacts unknown(String accountId) {
        return AccountFacts.of(accountId, null, 1, null);
    }

    /**
     * Refuses an account without a time zone whose policy counts days in the account's own zone: read in
     * UTC, its day would start hours away from the vendor's.
     */
    public static void checkZone(Account account, LimitPolicy policy, String path) {
        if (account.getTimeZone() == null && policy != null) {
            policy.ruleInAccountZone().ifPresent(rule -> {
                throw new PolicyException(path + ".timeZone", "required: policy " + Excerpt.quote(policy.id()) + " counts rule "
                        + rule.id() + " in the account's own time zone (write an IANA id such as Europe/Berlin)");
            });
        }
    }

    static final int MAX_SEATS = 1_000_000;
    static final long MAX_EXTRA_UNITS = 1_000_000_000_000L;
    static final int MAX_WEIGHT = 1000;

    static void validate(Account account, String path) {
        if (RequestValidator.usableId(account.getId()) == null) {
            throw new PolicyException(path + ".id", "required: at most 256 characters, no control characters");
        }
        PolicyCompiler.name(account.getPolicyId(), path + ".policy");
        if (account.getPlan() != null) {
            PolicyCompiler.name(account.getPlan(), path + ".plan");
        }
        if (account.getSeats() < 1 || account.getSeats() > MAX_SEATS) {
            throw new PolicyException(path + ".seats", "must be between 1 and " + MAX_SEATS + ", got " + account.getSeats());
        }
        if (account.getExtraUnits() < 0 || account.getExtraUnits() > MAX_EXTRA_UNITS) {
            throw new PolicyException(path + ".extraUnits", "must be between 0 and " + MAX_EXTRA_UNITS);
        }
        try {
            if (account.getTimeZone() != null && account.getTimeZone().length() > PolicyCompiler.MAX_NAME) {
                throw new DateTimeException("too long");
            }
            if (account.getTimeZone() != null) {
                ZoneId.of(account.getTimeZone());
            }
        } catch (DateTimeException e) {
            throw new PolicyException(path + ".timeZone", Excerpt.quote(account.getTimeZone()) + " is not a time zone (IANA id such as Europe/Berlin)");
        }
        if (account.getIntegrationWeights().size() > PolicyCompiler.MAX_LIST) {
            throw new PolicyException(path + ".integrationWeights", "at most " + PolicyCompiler.MAX_LIST + " integrations");
        }
        account.getIntegrationWeights().forEach((integration, weight) -> {
            if (weight < 1 || weight > MAX_WEIGHT) {
                throw new PolicyException(path + ".integrationWeights." + integration, "must be between 1 and " + MAX_WEIGHT + ", got " + weight);
            }
        });
    }
}
