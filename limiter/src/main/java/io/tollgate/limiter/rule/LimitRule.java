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
public record LimitRule(String id, Enforcement mode, SubjectScope scope, RequestMatcher match, List<RequestMatcher> except,
                   CostBasis costUnit, Limit limit, LimitAmount amount, Long maxWaitMs, VendorHeaders feedback) {

    public LimitRule {
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
        return mode == Enforcement.SHADOW;
    }
}
