package io.tollgate.limiter;

import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine needs to know of an account besides its policy: the plan and seats that size its
 * budgets, the time zone of its calendar quotas, purchased extra units and integration weights.
 *
 * @param zone the account's own time zone, or null when its record names none: a rule that counts days
 *     in the account's zone then refuses its calls (never reads them in UTC)
 */
public record AccountFacts(String id, String plan, int seats, ZoneId zone, long extraUnits,
                           Map<String, Integer> integrationWeights) {

    public AccountFacts {
        Objects.requireNonNull(id, "id");
        plan = plan == null ? null : plan.toLowerCase(Locale.ROOT);
        integrationWeights = Map.copyOf(integrationWeights);
    }

    public static AccountFacts of(String id, String plan, int seats, ZoneId zone) {
        return new AccountFacts(id, plan, seats, zone, 0, Map.of());
    }

    /** Share of a contended budget for an integration: its weight, 1 by default. */
    public int weightOf(String integration) {
        return Math.max(1, integrationWeights.getOrDefault(integration, 1));
    }
}
