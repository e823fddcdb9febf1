package io.tollgate.policy;

import io.tollgate.avro.policy.Amount;
import io.tollgate.avro.policy.Concurrency;
import io.tollgate.avro.policy.CostEntry;
import io.tollgate.avro.policy.DailyQuota;
import io.tollgate.avro.policy.FixedWindow;
import io.tollgate.avro.policy.Match;
import io.tollgate.avro.policy.SlidingWindow;
import io.tollgate.avro.policy.TokenBucket;
import io.tollgate.limiter.AuthKind;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.limit.ConcurrencyLimit;
import io.tollgate.limiter.limit.DailyQuotaLimit;
import io.tollgate.limiter.limit.FixedWindowLimit;
import io.tollgate.limiter.limit.Limit;
import io.tollgate.limiter.limit.SlidingWindowLimit;
import io.tollgate.limiter.limit.TokenBucketLimit;
import io.tollgate.limiter.limit.ZoneSpec;
import io.tollgate.limiter.rule.CostTable;
import io.tollgate.limiter.rule.CostUnit;
import io.tollgate.limiter.rule.Feedback;
import io.tollgate.limiter.rule.KeyScope;
import io.tollgate.limiter.rule.PathTemplate;
import io.tollgate.limiter.rule.Policy;
import io.tollgate.limiter.rule.RequestMatcher;
import io.tollgate.limiter.rule.Rule;
import io.tollgate.limiter.rule.RuleMode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a policy record (from a file or the {@code policies} topic) into the engine's policy, checking
 * everything the engine relies on. Errors name the field as policy files write it, prefixed with
 * where the policy came from.
 */
public final class PolicyCompiler {

    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final LimiterSettings settings;

    public PolicyCompiler(LimiterSettings settings) {
        this.settings = settings;
    }

    public Policy compile(io.tollgate.avro.policy.Policy p, String where) {
        String at = where == null || where.isEmpty() ? "policy '" + p.getId() + "'" : where;
        require(!p.getId().isBlank(), at + ".id", "required");
        require(p.getMaxWaitMs() >= 0, at + ".maxWait", "must not be negative");
        require(p.getDefaultCost() >= 0, at + ".defaultCost", "must not be negative");
        p.getVersionDefaultCosts().forEach((version, cost) ->
                require(cost >= 0, at + ".versionDefaultCosts." + version, "must not be negative"));
        require(!p.getRules().isEmpty(), at + ".rules", "at least one rule is required");

        List<CostTable.Entry> costs = new ArrayList<>();
        for (int i = 0; i < p.getCostTable().size(); i++) {
            CostEntry e = p.getCostTable().get(i);
            String path = at + ".costTable[" + i + "]";
            require(METHODS.contains(e.getMethod()), path + ".method", "'" + e.getMethod() + "' is not one of " + METHODS);
            require(e.getCost() >= 0, path + ".cost", "must not be negative");
            costs.add(new CostTable.Entry(e.getApiVersion(), e.getMethod(), template(e.getPath(), path + ".path"), e.getCost()));
        }

        List<RequestMatcher> exemptions = new ArrayList<>();
        for (int i = 0; i < p.getExemptions().size(); i++) {
            exemptions.add(matcher(p.getExemptions().get(i), at + ".exemptions[" + i + "]"));
        }

        Set<String> ids = new HashSet<>();
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < p.getRules().size(); i++) {
            io.tollgate.avro.policy.Rule r = p.getRules().get(i);
            String path = at + ".rules[" + i + "]";
            require(!r.getId().isBlank(), path + ".id", "required");
            require(!r.getId().startsWith("~"), path + ".id", "ids starting with '~' are reserved");
            require(ids.add(r.getId()), path + ".id", "rule '" + r.getId() + "' appears twice in the policy");
            rules.add(rule(r, path));
        }
        return new Policy(p.getId(), rules, exemptions,
                new CostTable(costs, p.getVersionDefaultCosts(), p.getDefaultCost()), p.getMaxWaitMs());
    }

    private Rule rule(io.tollgate.avro.policy.Rule r, String path) {
        List<RequestMatcher> except = new ArrayList<>();
        for (int i = 0; i < r.getExcept().size(); i++) {
            except.add(matcher(r.getExcept().get(i), path + ".except[" + i + "]"));
        }
        if (r.getMaxWaitMs() != null) {
            require(r.getMaxWaitMs() >= 0, path + ".maxWait", "must not be negative");
        }
        Feedback feedback = r.getFeedback() == null ? null
                : new Feedback(r.getFeedback().getRemainingHeader(), r.getFeedback().getResetHeader());
        Limited limited = limit(r.getLimit(), path);
        return new Rule(r.getId(), RuleMode.valueOf(r.getMode().name()), KeyScope.valueOf(r.getKey().name()),
                matcher(r.getMatch(), path + ".match"), except, CostUnit.valueOf(r.getCost().name()),
                limited.limit, limited.amount, r.getMaxWaitMs(), feedback);
    }

    private record Limited(Limit limit, io.tollgate.limiter.rule.Amount amount) {
    }

    private Limited limit(Object limit, String path) {
        if (limit instanceof SlidingWindow w) {
            String at = path + ".slidingWindow";
            require(w.getWindowMs() > 0, at + ".window", "must be positive");
            return new Limited(new SlidingWindowLimit(w.getWindowMs()), amount(w.getAmount(), at + ".limit"));
        }
        if (limit instanceof FixedWindow w) {
            String at = path + ".fixedWindow";
            require(w.getWindowMs() > settings.jitterMs(), at + ".window", "must be longer than the dispatch jitter of "
                    + settings.jitterMs() + " ms (a call could otherwise land two windows later); use a slidingWindow");
            return new Limited(new FixedWindowLimit(w.getWindowMs()), amount(w.getAmount(), at + ".limit"));
        }
        if (limit instanceof TokenBucket b) {
            String at = path + ".tokenBucket";
            require(b.getRefillUnits() > 0, at + ".refill", "must be positive");
            require(b.getRefillPeriodMs() > 0, at + ".every", "must be positive");
            return new Limited(new TokenBucketLimit(b.getRefillUnits(), b.getRefillPeriodMs()), amount(b.getCapacity(), at + ".capacity"));
        }
        if (limit instanceof DailyQuota q) {
            String at = path + ".dailyQuota";
            return new Limited(new DailyQuotaLimit(zone(q.getZone(), at + ".zone"),
                    DailyQuotaLimit.Reset.valueOf(q.getReset().name())), amount(q.getAmount(), at + ".limit"));
        }
        if (limit instanceof Concurrency c) {
            String at = path + ".concurrency";
            require(c.getLeaseMs() > 0, at + ".lease", "must be positive");
            return new Limited(new ConcurrencyLimit(c.getLeaseMs()), amount(c.getAmount(), at + ".limit"));
        }
        throw new PolicyException(path, "unknown limit kind " + (limit == null ? "null" : limit.getClass().getSimpleName()));
    }

    private static io.tollgate.limiter.rule.Amount amount(Amount a, String path) {
        int kinds = (a.getFixed() != null ? 1 : 0) + (a.getByPlan().isEmpty() ? 0 : 1) + (a.getPlanBudget() != null ? 1 : 0);
        require(kinds == 1, path, kinds == 0 ? "required: a number, {byPlan: {...}} or {planBudget: {...}}"
                : "give one of a number, byPlan or planBudget, not several");
        if (a.getFixed() != null) {
            require(a.getFixed() >= 1, path, "must be at least 1, got " + a.getFixed());
            return new io.tollgate.limiter.rule.Amount.Fixed(a.getFixed());
        }
        if (!a.getByPlan().isEmpty()) {
            a.getByPlan().forEach((plan, n) -> require(n >= 1, path + ".byPlan." + plan, "must be at least 1, got " + n));
            return new io.tollgate.limiter.rule.Amount.ByPlan(a.getByPlan());
        }
        var budget = a.getPlanBudget();
        require(budget.getBase() >= 1, path + ".planBudget.base", "must be at least 1, got " + budget.getBase());
        require(!budget.getPlanMultipliers().isEmpty(), path + ".planBudget.multipliers", "required: a multiplier per plan");
        for (Map.Entry<String, Double> m : budget.getPlanMultipliers().entrySet()) {
            require(m.getValue() > 0, path + ".planBudget.multipliers." + m.getKey(), "must be positive, got " + m.getValue());
        }
        return new io.tollgate.limiter.rule.Amount.PlanBudget(budget.getBase(), budget.getPlanMultipliers(), budget.getPerSeat());
    }

    private static ZoneSpec zone(String zone, String path) {
        if ("account".equalsIgnoreCase(zone)) {
            return new ZoneSpec.AccountZone();
        }
        try {
            return new ZoneSpec.Fixed(ZoneId.of(zone));
        } catch (DateTimeException e) {
            throw new PolicyException(path, "'" + zone + "' is not a time zone; write UTC, account, or an IANA id such as Europe/Berlin");
        }
    }

    private static RequestMatcher matcher(Match m, String path) {
        for (int i = 0; i < m.getMethods().size(); i++) {
            String method = m.getMethods().get(i);
            require(METHODS.contains(method), path + ".methods[" + i + "]", "'" + method + "' is not one of " + METHODS);
        }
        List<PathTemplate> paths = new ArrayList<>();
        for (int i = 0; i < m.getPaths().size(); i++) {
            paths.add(template(m.getPaths().get(i), path + ".paths[" + i + "]"));
        }
        Set<AuthKind> authKinds = new HashSet<>();
        m.getAuthKinds().forEach(k -> authKinds.add(AuthKind.valueOf(k.name())));
        return new RequestMatcher(Set.copyOf(m.getMethods()), paths, Set.copyOf(m.getApiVersions()), authKinds,
                Set.copyOf(m.getCategories()));
    }

    private static PathTemplate template(String text, String path) {
        try {
            return PathTemplate.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(path, e.getMessage());
        }
    }

    private static void require(boolean condition, String path, String problem) {
        if (!condition) {
            throw new PolicyException(path, problem);
        }
    }
}
