package io.tollgate.limiter.rule;

import io.tollgate.limiter.Call;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A list of rules; every rule that matches a call must admit it, and the call is charged to all of them
 * or to none. Exempt calls (the vendor does not count them) are charged to nothing.
 */
public record Policy(String id, List<Rule> rules, List<RequestMatcher> exemptions, CostTable costs, long maxWaitMs) {

    public Policy {
        Objects.requireNonNull(id, "id");
        rules = List.copyOf(rules);
        exemptions = List.copyOf(exemptions);
        Objects.requireNonNull(costs, "costs");
    }

    public boolean isExempt(Call call) {
        return exemptions.stream().anyMatch(m -> m.matches(call));
    }

    public Optional<Rule> rule(String ruleId) {
        return rules.stream().filter(r -> r.id().equals(ruleId)).findFirst();
    }

    public long maxWaitOf(Rule rule) {
        return rule.maxWaitMs() != null ? rule.maxWaitMs() : maxWaitMs;
    }

    /** Units a rule counts for this call: 1 for CALLS, the explicit or table cost for TOKENS. */
    public long unitsFor(Rule rule, Call call) {
        if (rule.costUnit() == CostUnit.CALLS) {
            return 1;
        }
        return call.explicitCost() != null ? call.explicitCost() : costs.costOf(call);
    }
}
