package io.tollgate.limiter.rule;

import io.tollgate.limiter.Call;
import io.tollgate.limiter.limit.Limit;
import java.util.List;
import java.util.Objects;

/**
 * One limit of a policy: which calls it applies to, what it counts per, in which unit, and how much.
 *
 * @param maxWaitMs longest a call may wait for this rule; null means the policy's maximum
 * @param feedback vendor headers reporting this rule's allowance, or null
 */
public record Rule(String id, RuleMode mode, KeyScope scope, RequestMatcher match, List<RequestMatcher> except,
                   CostUnit costUnit, Limit limit, Amount amount, Long maxWaitMs, Feedback feedback) {

    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(match, "match");
        except = List.copyOf(except);
        Objects.requireNonNull(costUnit, "costUnit");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(amount, "amount");
    }

    public boolean appliesTo(Call call) {
        return match.matches(call) && except.stream().noneMatch(m -> m.matches(call));
    }

    public boolean isShadow() {
        return mode == RuleMode.SHADOW;
    }
}
