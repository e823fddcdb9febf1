package io.tollgate.limiter.rule;

import io.tollgate.limiter.Call;
import io.tollgate.limiter.limit.DailyQuotaLimit;
import io.tollgate.limiter.limit.ZoneSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A list of rules; every rule that matches a call must admit it, and the call is charged to all of them
 * or to none. Exempt calls (the vendor does not count them) are charged to nothing. Rules, exemptions
 * and costs are matched against a call in its {@linkplain #canonical canonical form}.
 */
public record LimitPolicy(String id, List<LimitRule> rules, List<RequestMatcher> exemptions, CostTable costs, long maxWaitMs,
                     List<PrefixAlias> pathAliases) {

    public LimitPolicy {
        Objects.requireNonNull(id, "id");
        rules = List.copyOf(rules);
        exemptions = List.copyOf(exemptions);
        Objects.requireNonNull(costs, "costs");
        pathAliases = List.copyOf(pathAliases);
    }

    public LimitPolicy(String id, List<LimitRule> rules, List<RequestMatcher> exemptions, CostTable costs, long maxWaitMs) {
        this(id, rules, exemptions, costs, maxWaitMs, List.of());
    }

    /** The call with its path in the form the policy's rules are written in (the first alias that applies). */
    public Call canonical(Call call) {
        for (PrefixAlias alias : pathAliases) {
            if (alias.applies(call.path())) {
                return call.withPath(alias.canonical(call.path()));
            }
        }
        return call;
    }

    public boolean isExempt(Call call) {
        return exemptions.stream().anyMatch(m -> m.matches(call));
    }

    /** A rule that counts days in the account's own time zone, if any: its accounts must name their zone. */
    public Optional<LimitRule> ruleInAccountZone() {
        return rules.stream().filter(r -> r.limit() instanceof DailyQuotaLimit q && q.zone() instanceof ZoneSpec.AccountZone).findFirst();
    }

    public Optional<LimitRule> rule(String ruleId) {
        return rules.stream().filter(r -> r.id().equals(ruleId)).findFirst();
    }

    public long maxWaitOf(LimitRule rule) {
        return rule.maxWaitMs() != null ? rule.maxWaitMs() : maxWaitMs;
    }

    /** Units a rule counts for this call: 1 for CALLS, the explicit or table cost for TOKENS. */
    public long unitsFor(LimitRule rule, Call call) {
        if (rule.costUnit() == CostBasis.CALLS) {
            return 1;
        }
        return call.explicitCost() != null ? call.explicitCost() : costs.costOf(call);
    }
}
