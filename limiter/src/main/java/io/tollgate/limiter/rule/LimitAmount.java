package io.tollgate.limiter.rule;

import io.tollgate.limiter.AccountFacts;
import java.util.Map;
import java.util.TreeMap;

/** How many calls or units a limit allows, possibly depending on the account's plan and seats. */
public sealed interface LimitAmount {

    long resolve(AccountFacts account);

    /** The same limit for every account. */
    record Fixed(long value) implements LimitAmount {
        @Override
        public long resolve(AccountFacts account) {
            return value;
        }
    }

    /** A limit per plan, such as Pipedrive's burst limits (keys in lower case). */
    record ByPlan(Map<String, Long> limits) implements LimitAmount {
        public ByPlan {
            limits = Map.copyOf(limits);
        }

        @Override
        public long resolve(AccountFacts account) {
            Long limit = account.plan() == null ? null : limits.get(account.plan());
            if (limit == null) {
                throw new AccountMismatchException("account " + account.id() + " has plan '" + account.plan()
                        + "', but the policy sets this limit only for plans " + new TreeMap<>(limits).keySet());
            }
            return limit;
        }
    }

    /**
     * A budget computed from the plan: {@code base x multiplier(plan) [x seats] + extra units}, such as
     * Pipedrive's daily token budget (30,000 x plan multiplier x seats, plus top-ups).
     */
    record PlanBudget(long base, Map<String, Double> multipliers, boolean perSeat) implements LimitAmount {

        /** Far above any real budget, far below overflow when a call's units are added to it. */
        static final double MAX_BUDGET = 1e15;

        public PlanBudget {
            multipliers = Map.copyOf(multipliers);
        }

        @Override
        public long resolve(AccountFacts account) {
            Double multiplier = account.plan() == null ? null : multipliers.get(account.plan());
            if (multiplier == null) {
                throw new AccountMismatchException("account " + account.id() + " has plan '" + account.plan()
                        + "', but the budget has multipliers only for plans " + new TreeMap<>(multipliers).keySet());
            }
            long seats = perSeat ? Math.max(1, account.seats()) : 1;
            // Saturates rather than overflows: policies and accounts are bounded, but a budget is never negative.
            return Math.round(Math.min(MAX_BUDGET, (double) base * multiplier * seats)) + Math.min((long) MAX_BUDGET, Math.max(0, account.extraUnits()));
        }
    }
}
