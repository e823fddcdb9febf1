package io.tollgate.limiter.limit;

import io.tollgate.limiter.AccountFacts;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The time zone of a calendar quota: a fixed zone, or each account's own. */
public sealed interface ZoneSpec {

    ZoneId resolve(AccountFacts account);

    ZoneSpec UTC = new Fixed(ZoneOffset.UTC);

    /** The account's own zone (the forms platform resets in the organization's zone). */
    record AccountZone() implements ZoneSpec {
        @Override
        public ZoneId resolve(AccountFacts account) {
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
