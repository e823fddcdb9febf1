package io.tollgate.topology;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.RejectReason;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.policy.AccountFactsMapper;
import java.util.function.Function;

/** Finds the policy and facts an account's calls are decided with, or why there are none. */
public final class AccountResolver {

    /** Either policy and facts, or a reason code and detail. */
    public record Resolution(LimitPolicy policy, AccountFacts facts, RejectReason failure, String detail) {
        public boolean ok() {
            return failure == null;
        }
    }

    private final PolicyCatalog catalog;
    private final Function<String, byte[]> policies;
    private final Function<String, byte[]> accounts;
    private final String defaultPolicy;
    private final String accountsTopic;

    public AccountResolver(PolicyCatalog catalog, Function<String, byte[]> policies, Function<String, byte[]> accounts,
                    String defaultPolicy, String accountsTopic) {
        this.catalog = catalog;
        this.policies = policies;
        this.accounts = accounts;
        this.defaultPolicy = defaultPolicy;
        this.accountsTopic = accountsTopic;
    }

    public Resolution resolve(String account) {
        PolicyCatalog.AccountRecord record = catalog.account(account, accounts);
        String policyId;
        AccountFacts facts;
        if (record == null) {
            if (defaultPolicy.isBlank()) {
                return new Resolution(null, null, RejectReason.UNKNOWN_ACCOUNT, "account '" + account
                        + "' has no record in " + accountsTopic + " and no default.policy is configured");
            }
            policyId = defaultPolicy;
            facts = AccountFactsMapper.unknown(account);
        } else if (record.problem() != null) {
            return new Resolution(null, null, RejectReason.INVALID_ACCOUNT, record.problem());
        } else {
            policyId = record.policyId();
            facts = record.facts();
        }
        PolicyCatalog.Compiled compiled = catalog.policy(policyId, policies);
        if (compiled.problem() != null) {
            return new Resolution(null, null, RejectReason.UNKNOWN_POLICY, "account '" + account + "': " + compiled.problem());
        }
        return new Resolution(compiled.policy(), facts, null, null);
    }
}
