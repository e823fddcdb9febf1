package io.tollgate.policy;

import io.tollgate.avro.policy.Amount;
import io.tollgate.avro.policy.Concurrency;
import io.tollgate.avro.policy.CostEntry;
import io.tollgate.avro.policy.DailyQuota;
import io.tollgate.avro.policy.FixedWindow;
import io.tollgate.avro.policy.Match;
import io.tollgate.avro.policy.PathAlias;
import io.tollgate.avro.policy.Policy;
import io.tollgate.avro.policy.Rule;
import io.tollgate.avro.policy.SlidingWindow;
import io.tollgate.avro.policy.TokenBucket;
import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.limit.ConcurrencyLimit;
import io.tollgate.limiter.limit.DailyQuotaLimit;
import io.tollgate.limiter.limit.FixedWindowLimit;
import io.tollgate.limiter.limit.Limit;
import io.tollgate.limiter.limit.SlidingWindowLimit;
import io.tollgate.limiter.limit.TokenBucketLimit;
import io.tollgate.limiter.limit.ZoneSpec;
import io.tollgate.limiter.rule.CostBasis;
import io.tollgate.limiter.rule.CostTable;
import io.tollgate.limiter.rule.Enforcement;
import io.tollgate.limiter.rule.LimitAmount;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import io.tollgate.limiter.rule.PathTemplate;
import io.tollgate.limiter.rule.PrefixAlias;
import io.tollgate.limiter.rule.RequestMatcher;
import io.tollgate.limiter.rule.SubjectScope;
import io.tollgate.limiter.rule.VendorHeaders;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a policy record (from a file or the {@code policies} topic) into the engine's policy, checking
 * everything the engine relies on. Errors name the field as policy files write it, prefixed with
 * where the policy came from.
 */
public final class PolicyCompiler {

    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    // Bounds that keep any accepted policy far from overflow and its counters small, whatever a record holds.
    static final int MAX_NAME = 128;
    static final int MAX_RULES = 100;
    static final int MAX_LIST = 1000;
    static final int MAX_COST_ROWS = 10_000;
    static final long MAX_COST = 1_000_000_000L;
    static final long MAX_AMOUNT = 1_000_000_000_000L;
    static final double MAX_MULTIPLIER = 1_000_000;
    /** A sliding window keeps one entry per distinct millisecond in which it was charged, up to its limit. */
    static final long MAX_WINDOW_ENTRIES = 100_000;

    private final LimiterSettings settings;

    public PolicyCompiler(LimiterSettings settings) {
        this.settings = settings;
    }

    public LimitPolicy compile(Policy p, String where) {
        String at = where == null || where.isEmpty() ? "policy " + io.tollgate.schemas.request.Excerpt.quote(p.getId()) : where;
        name(p.getId(), at + ".id");
        duration(p.getMaxWaitMs(), at + ".maxWait", true);
        cost(p.getDefaultCost(), at + ".defaultCost");
        require(p.getVersionDefaultCosts().size() <= MAX_LIST, at + ".versionDefaultCosts", "at most " + MAX_LIST + " entries");
        p.getVersionDefaultCosts().forEach((version, cost) -> cost(cost, at + ".versionDefaultCosts." + version));
        require(!p.getRules().isEmpty(), at + ".rules", "at least one rule is required");
        require(p.getRules().size() <= MAX_RULES, at + ".rules", "at most " + MAX_RULES + " rules");
        require(p.getCostTable().size() <= MAX_COST_ROWS, at + ".costTable", "at most " + MAX_COST_ROWS + " rows");
        require(p.getExemptions().size() <= MAX_LIST, at + ".exemptions", "at most " + MAX_LIST + " exemptions");

        List<CostTable.Entry> costs = new ArrayList<>();
        for (int i = 0; i < p.getCostTable().size(); i++) {
            CostEntry e = p.getCostTable().get(i);
            String path = at + ".costTable[" + i + "]";
            require(METHODS.contains(e.getMethod()), path + ".method", io.tollgate.schemas.request.Excerpt.quote(e.getMethod())
                    + " is not one of " + new TreeSet<>(METHODS));
            cost(e.getCost(), path + ".cost");
            if (e.getApiVersion() != null) {
                name(e.getApiVersion(), path + ".apiVersion");
            }
            costs.add(new CostTable.Entry(e.getApiVersion(), e.getMethod(), template(e.getPath(), path + ".path"), e.getCost()));
        }

        List<RequestMatcher> exemptions = new ArrayList<>();
        for (int i = 0; i < p.getExemptions().size(); i++) {
            exemptions.add(matcher(p.getExemptions().get(i), at + ".exemptions[" + i + "]"));
        }

        Set<String> ids = new HashSet<>();
        List<LimitRule> rules = new ArrayList<>();
        for (int i = 0; i < p.getRules().size(); i++) {
            Rule r = p.getRules().get(i);
            String path = at + ".rules[" + i + "]";
            name(r.getId(), path + ".id");
            require(!r.getId().startsWith("~"), path + ".id", "ids starting with '~' are reserved");
            require(ids.add(r.getId()), path + ".id", "rule '" + r.getId() + "' appears twice in the policy");
            rules.add(rule(r, path));
        }
        return new LimitPolicy(p.getId(), rules, exemptions,
                new CostTable(costs, p.getVersionDefaultCosts(), p.getDefaultCost()), p.getMaxWaitMs(), aliases(p, at));
    }

    private static List<PrefixAlias> aliases(Policy p, String at) {
        require(p.getPathAliases().size() <= MAX_LIST, at + ".pathAliases", "at most " + MAX_LIST + " aliases");
        List<PrefixAlias> aliases = new ArrayList<>();
        for (int i = 0; i < p.getPathAliases().size(); i++) {
            PathAlias a = p.getPathAliases().get(i);
            String path = at + ".pathAliases[" + i + "]";
            for (String end : new String[] {a.getPrefix(), a.getSameAs()}) {
                require(end != null && end.length() <= MAX_NAME && PrefixAlias.isSegmentPrefix(end)
                        && end.chars().noneMatch(Character::isISOControl), path, "prefix and sameAs are whole path segments that"
                        + " start and end with '/', such as /api/v1/, at most " + MAX_NAME + " characters: got "
                        + io.tollgate.schemas.request.Excerpt.quote(end));
            }
            require(!a.getPrefix().equals(a.getSameAs()), path, "prefix and sameAs are the same");
            aliases.add(new PrefixAlias(a.getPrefix(), a.getSameAs()));
        }
        return aliases;
    }

    private LimitRule rule(Rule r, String path) {
        List<RequestMatcher> except = new ArrayList<>();
        for (int i = 0; i < r.getExcept().size(); i++) {
            except.add(matcher(r.getExcept().get(i), path + ".except[" + i + "]"));
        }
        require(r.getExcept().size() <= MAX_LIST, path + ".except", "at most " + MAX_LIST + " entries");
        if (r.getMaxWaitMs() != null) {
            duration(r.getMaxWaitMs(), path + ".maxWait", true);
        }
        VendorHeaders feedback = null;
        if (r.getFeedback() != null) {
            feedback = new VendorHeaders(header(r.getFeedback().getRemainingHeader(), path + ".feedback.remaining"),
                    header(r.getFeedback().getResetHeader(), path + ".feedback.reset"),
                    header(r.getFeedback().getLimitHeader(), path + ".feedback.limit"));
            require(feedback.limitHeader() == null || !(r.getLimit() instanceof Concurrency), path + ".feedback.limit",
                    "a vendor limit header applies to windows, buckets and quotas, not to concurrency");
            // Kept per credential (with the credential's pause) for rules that count per credential; for other
            // rules it tells a limit set too high apart from allowance spent elsewhere.
        }
        Limited limited = limit(r.getLimit(), path);
        return new LimitRule(r.getId(), Enforcement.valueOf(r.getMode().name()), SubjectScope.valueOf(r.getKey().name()),
                matcher(r.getMatch(), path + ".match"), except, CostBasis.valueOf(r.getCost().name()),
                limited.limit, limited.amount, r.getMaxWaitMs(), feedback);
    }

    private record Limited(Limit limit, LimitAmount amount) {
    }

    private Limited limit(Object limit, String path) {
        if (limit instanceof SlidingWindow w) {
            String at = path + ".slidingWindow";
            duration(w.getWindowMs(), at + ".window", false);
            LimitAmount amount = amount(w.getAmount(), at + ".limit");
            require(Math.min(largest(amount), w.getWindowMs() + settings.jitterMs()) <= MAX_WINDOW_ENTRIES, at, "a sliding window keeps one entry per call: at most " + MAX_WINDOW_ENTRIES
                            + " calls per window; for more, use a fixedWindow or a tokenBucket");
            return new Limited(new SlidingWindowLimit(w.getWindowMs()), amount);
        }
        if (limit instanceof FixedWindow w) {
            String at = path + ".fixedWindow";
            duration(w.getWindowMs(), at + ".window", false);
            require(w.getWindowMs() > settings.jitterMs(), at + ".window", "must be longer than the dispatch jitter of "
                    + settings.jitterMs() + " ms (a call could otherwise land two windows later); use a slidingWindow");
            return new Limited(new FixedWindowLimit(w.getWindowMs()), amount(w.getAmount(), at + ".limit"));
        }
        if (limit instanceof TokenBucket b) {
            String at = path + ".tokenBucket";
            require(b.getRefillUnits() > 0 && b.getRefillUnits() <= MAX_AMOUNT, at + ".refill", "must be between 1 and " + MAX_AMOUNT);
            duration(b.getRefillPeriodMs(), at + ".every", false);
            return new Limited(new TokenBucketLimit(b.getRefillUnits(), b.getRefillPeriodMs()), amount(b.getCapacity(), at + ".capacity"));
        }
        if (limit instanceof DailyQuota q) {
            String at = path + ".dailyQuota";
            return new Limited(new DailyQuotaLimit(zone(q.getZone(), at + ".zone"),
                    DailyQuotaLimit.Reset.valueOf(q.getReset().name())), amount(q.getAmount(), at + ".limit"));
        }
        if (limit instanceof Concurrency c) {
            String at = path + ".concurrency";
            duration(c.getLeaseMs(), at + ".lease", false);
            return new Limited(new ConcurrencyLimit(c.getLeaseMs()), amount(c.getAmount(), at + ".limit"));
        }
        throw new PolicyException(path, "unknown limit kind " + (limit == null ? "null" : limit.getClass().getSimpleName()));
    }

    private static LimitAmount amount(Amount a, String path) {
        int kinds = (a.getFixed() != null ? 1 : 0) + (a.getByPlan().isEmpty() ? 0 : 1) + (a.getPlanBudget() != null ? 1 : 0);
        require(kinds == 1, path, kinds == 0 ? "required: a number, {byPlan: {...}} or {planBudget: {...}}"
                : "give one of a number, byPlan or planBudget, not several");
        if (a.getFixed() != null) {
            count(a.getFixed(), path);
            return new LimitAmount.Fixed(a.getFixed());
        }
        if (!a.getByPlan().isEmpty()) {
            require(a.getByPlan().size() <= MAX_LIST, path + ".byPlan", "at most " + MAX_LIST + " plans");
            a.getByPlan().forEach((plan, n) -> {
                name(plan, path + ".byPlan");
                count(n, path + ".byPlan." + plan);
            });
            return new LimitAmount.ByPlan(a.getByPlan());
        }
        var budget = a.getPlanBudget();
        count(budget.getBase(), path + ".planBudget.base");
        require(!budget.getPlanMultipliers().isEmpty(), path + ".planBudget.multipliers", "required: a multiplier per plan");
        require(budget.getPlanMultipliers().size() <= MAX_LIST, path + ".planBudget.multipliers", "at most " + MAX_LIST + " plans");
        for (Map.Entry<String, Double> m : budget.getPlanMultipliers().entrySet()) {
            name(m.getKey(), path + ".planBudget.multipliers");
            require(m.getValue() > 0 && m.getValue() <= MAX_MULTIPLIER, path + ".planBudget.multipliers." + m.getKey(),
                    "must be above 0 and at most " + MAX_MULTIPLIER + ", got " + m.getValue());
        }
        return new LimitAmount.PlanBudget(budget.getBase(), budget.getPlanMultipliers(), budget.getPerSeat());
    }

    private static ZoneSpec zone(String zone, String path) {
        if ("account".equalsIgnoreCase(zone)) {
            return new ZoneSpec.AccountZone();
        }
        try {
            require(zone.length() <= MAX_NAME, path, "is too long");
            return new ZoneSpec.Fixed(ZoneId.of(zone));
        } catch (DateTimeException e) {
            throw new PolicyException(path, io.tollgate.schemas.request.Excerpt.quote(zone)
                    + " is not a time zone; write UTC, account, or an IANA id such as Europe/Berlin");
        }
    }

    /** The largest value an amount can resolve to, where it is known without the account. */
    private static long largest(LimitAmount amount) {
        if (amount instanceof LimitAmount.Fixed f) {
            return f.value();
        }
        if (amount instanceof LimitAmount.ByPlan b) {
            return b.limits().values().stream().mapToLong(Long::longValue).max().orElse(0);
        }
        return Long.MAX_VALUE;
    }

    /** An id or label: not blank, short, no control characters (ids become store keys, separated by 0x00). */
    static void name(String value, String path) {
        require(value != null && !value.isBlank(), path, "required");
        require(value.length() <= MAX_NAME, path, "at most " + MAX_NAME + " characters");
        require(value.chars().noneMatch(Character::isISOControl), path, "must not hold control characters");
    }

    private static String header(String value, String path) {
        if (value != null) {
            name(value, path);
        }
        return value;
    }

    private static void duration(long ms, String path, boolean zeroAllowed) {
        require(ms >= (zeroAllowed ? 0 : 1) && ms <= Limit.MAX_SPAN_MS, path,
                "must be " + (zeroAllowed ? "between 0" : "between 1 ms") + " and " + Limit.MAX_SPAN_MS / 86_400_000L + " days, got " + ms + " ms");
    }

    private static void cost(long value, String path) {
        require(value >= 0 && value <= MAX_COST, path, "must be between 0 and " + MAX_COST + ", got " + value);
    }

    private static void count(long value, String path) {
        require(value >= 1 && value <= MAX_AMOUNT, path, "must be between 1 and " + MAX_AMOUNT + ", got " + value);
    }

    private static RequestMatcher matcher(Match m, String path) {
        require(m.getMethods().size() <= MAX_LIST && m.getPaths().size() <= MAX_LIST && m.getApiVersions().size() <= MAX_LIST
                && m.getCategories().size() <= MAX_LIST && m.getAuthKinds().size() <= MAX_LIST, path, "at most " + MAX_LIST + " entries per list");
        m.getApiVersions().forEach(v -> name(v, path + ".apiVersions"));
        m.getCategories().forEach(c -> name(c, path + ".categories"));
        for (int i = 0; i < m.getMethods().size(); i++) {
            String method = m.getMethods().get(i);
            require(METHODS.contains(method), path + ".methods[" + i + "]", io.tollgate.schemas.request.Excerpt.quote(method) + " is not one of " + new TreeSet<>(METHODS));
        }
        List<PathTemplate> paths = new ArrayList<>();
        for (int i = 0; i < m.getPaths().size(); i++) {
            paths.add(template(m.getPaths().get(i), path + ".paths[" + i + "]"));
        }
        Set<CredentialKind> authKinds = new HashSet<>();
        m.getAuthKinds().forEach(k -> authKinds.add(CredentialKind.valueOf(k.name())));
        return new RequestMatcher(Set.copyOf(m.getMethods()), paths, Set.copyOf(m.getApiVersions()), authKinds,
                Set.copyOf(m.getCategories()));
    }

    private static PathTemplate template(String text, String path) {
        require(text != null && text.length() <= io.tollgate.schemas.request.RequestPath.MAX_LENGTH, path, "a path template of at most "
                + io.tollgate.schemas.request.RequestPath.MAX_LENGTH + " characters is required");
        try {
            return PathTemplate.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(path, e.getMessage() + ": " + io.tollgate.schemas.request.Excerpt.quote(text));
        }
    }

    private static void require(boolean condition, String path, String problem) {
        if (!condition) {
            throw new PolicyException(path, problem);
        }
    }
}
