package io.tollgate.limiter.limit;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.rule.AccountMismatchException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The time zone of a calendar quota: a fixed zone, or each account's own. */
public sealed interface ZoneSpec {

    ZoneId resolve(AccountFacts account);

    ZoneSpec UTC = new Fixed(ZoneOffset.UTC);

    /**
     * The account's own zone (the forms platform resets in the organization's zone). An account without
     * one cannot be counted: guessing UTC would put its day boundary hours away from the vendor's.
     */
    record AccountZone() implements ZoneSpec {
        @Override
        public ZoneId resolve(AccountFacts account) {
            if (account.zone() == null) {
                throw new AccountMismatchException("account " + account.id() + " has no timeZone, but the policy counts days in"
                        + " the account's own zone: set the account's timeZone (an IANA id such as Europe/Berlin)");
            }
            return account.zone();
        }

        @Override
        public String toString() {
            return "account";
        }
    }

    record Fixed(ZoneId zone) implements ZoneSpec {
        @Override
        public ZoneId resolve(AccountFacts account) {
            return zone;
        }

        @Override
        public String toString() {
            return zone.getId();
        }
    }
}
