package io.tollgate.policy;

import io.tollgate.avro.AuthKind;
import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Amount;
import io.tollgate.avro.policy.Concurrency;
import io.tollgate.avro.policy.CostEntry;
import io.tollgate.avro.policy.CostUnit;
import io.tollgate.avro.policy.DailyQuota;
import io.tollgate.avro.policy.Feedback;
import io.tollgate.avro.policy.FixedWindow;
import io.tollgate.avro.policy.KeyScope;
import io.tollgate.avro.policy.Match;
import io.tollgate.avro.policy.PathAlias;
import io.tollgate.avro.policy.PlanBudget;
import io.tollgate.avro.policy.Policy;
import io.tollgate.avro.policy.QuotaReset;
import io.tollgate.avro.policy.Rule;
import io.tollgate.avro.policy.RuleMode;
import io.tollgate.avro.policy.SlidingWindow;
import io.tollgate.avro.policy.TokenBucket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * YAML to Avro: turns the nodes of a policy file into the {@code Policy} and {@code Account} records published
 * on the policy topics. Each unknown field, missing field or bad value is a {@link PolicyException} naming
 * its path in the file; what the values mean is checked afterwards, by {@link PolicyCompiler}.
 */
final class PolicyYamlMapper {

    private static final String[] LIMIT_KINDS = {"slidingWindow", "fixedWindow", "tokenBucket", "dailyQuota", "concurrency"};

    private PolicyYamlMapper() {
    }

    static Policy policy(YamlNode p, String baseDir) {
        p.allowOnly("id", "description", "maxWait", "defaultCost", "versionDefaultCosts", "costTable", "pathAliases", "exemptions",
                "rules");
        Policy.Builder b = Policy.newBuilder()
                .setId(p.field("id").text())
                .setDescription(p.field("description").textOr(null));
        if (!p.field("maxWait").isMissing()) {
            b.setMaxWaitMs(p.field("maxWait").millis());
        }
        if (!p.field("defaultCost").isMissing()) {
            b.setDefaultCost((int) p.field("defaultCost").number());
        }
        Map<String, Integer> versionDefaults = new LinkedHashMap<>();
        p.field("versionDefaultCosts").entries().forEach((version, cost) -> versionDefaults.put(version, (int) cost.number()));
        b.setVersionDefaultCosts(versionDefaults);
        b.setCostTable(costTable(p.field("costTable"), baseDir));
        b.setPathAliases(p.field("pathAliases").items().stream().map(a -> {
            a.allowOnly("prefix", "sameAs");
            return new PathAlias(a.field("prefix").text(), a.field("sameAs").text());
        }).toList());
        b.setExemptions(p.field("exemptions").items().stream().map(PolicyYamlMapper::match).toList());
        List<YamlNode> rules = p.field("rules").items();
        if (rules.isEmpty()) {
            throw new PolicyException(p.field("rules").path(), "at least one rule is required");
        }
        b.setRules(rules.stream().map(PolicyYamlMapper::rule).toList());
        return b.build();
    }

    /** A cost table is a CSV file name, or a list of entries written in the policy. */
    private static List<CostEntry> costTable(YamlNode table, String baseDir) {
        if (table.isMissing()) {
            return List.of();
        }
        if (table.isText()) {
            String location = PolicyLocations.resolve(table.text(), baseDir);
            return CostTableFile.parse(PolicySourceReader.read(location, table.path()), table.path() + " (" + table.text() + ")");
        }
        List<CostEntry> entries = new ArrayList<>();
        for (YamlNode e : table.items()) {
            e.allowOnly("apiVersion", "method", "path", "cost");
            entries.add(CostEntry.newBuilder()
                    .setApiVersion(e.field("apiVersion").textOr(null))
                    .setMethod(e.field("method").text().toUpperCase(Locale.ROOT))
                    .setPath(e.field("path").text())
                    .setCost((int) e.field("cost").number())
                    .build());
        }
        return entries;
    }

    private static Rule rule(YamlNode r) {
        List<String> allowed = new ArrayList<>(List.of("id", "description", "mode", "key", "match", "except", "cost",
                "maxWait", "feedback"));
        allowed.addAll(List.of(LIMIT_KINDS));
        r.allowOnly(allowed.toArray(String[]::new));
        Rule.Builder b = Rule.newBuilder()
                .setId(r.field("id").text())
                .setDescription(r.field("description").textOr(null))
                .setMode(enumOf(RuleMode.class, r.field("mode"), RuleMode.ENFORCE))
                .setKey(enumOf(KeyScope.class, r.field("key"), null))
                .setMatch(r.field("match").isMissing() ? emptyMatch() : match(r.field("match")))
                .setExcept(r.field("except").items().stream().map(PolicyYamlMapper::match).toList())
                .setCost(enumOf(CostUnit.class, r.field("cost"), CostUnit.CALLS))
                .setMaxWaitMs(r.field("maxWait").isMissing() ? null : r.field("maxWait").millis());
        List<String> kinds = new ArrayList<>();
        for (String kind : LIMIT_KINDS) {
            if (!r.field(kind).isMissing()) {
                kinds.add(kind);
            }
        }
        if (kinds.size() != 1) {
            throw new PolicyException(r.path(), kinds.isEmpty()
                    ? "a rule needs exactly one limit: one of " + List.of(LIMIT_KINDS)
                    : "a rule has exactly one limit, found " + kinds);
        }
        YamlNode l = r.field(kinds.get(0));
        b.setLimit(switch (kinds.get(0)) {
            case "slidingWindow" -> {
                l.allowOnly("limit", "window");
                yield new SlidingWindow(amount(l.field("limit")), l.field("window").millis());
            }
            case "fixedWindow" -> {
                l.allowOnly("limit", "window");
                yield new FixedWindow(amount(l.field("limit")), l.field("window").millis());
            }
            case "tokenBucket" -> {
                l.allowOnly("capacity", "refill", "every");
                yield new TokenBucket(amount(l.field("capacity")), l.field("refill").number(), l.field("every").millis());
            }
            case "dailyQuota" -> {
                l.allowOnly("limit", "zone", "reset");
                yield new DailyQuota(amount(l.field("limit")), l.field("zone").textOr("UTC"),
                        enumOf(QuotaReset.class, l.field("reset"), QuotaReset.MIDNIGHT));
            }
            default -> {
                l.allowOnly("limit", "lease");
                yield new Concurrency(amount(l.field("limit")), l.field("lease").millis());
            }
        });
        YamlNode f = r.field("feedback");
        if (!f.isMissing()) {
            f.allowOnly("remaining", "reset", "limit");
            b.setFeedback(new Feedback(lower(f.field("remaining").textOr(null)), lower(f.field("reset").textOr(null)),
                    lower(f.field("limit").textOr(null))));
        }
        return b.build();
    }

    private static Amount amount(YamlNode a) {
        if (a.isMissing()) {
            throw new PolicyException(a.path(), "required: a number, {byPlan: {...}} or {planBudget: {...}}");
        }
        if (!a.isObject()) {
            return Amount.newBuilder().setFixed(a.number()).build();
        }
        a.allowOnly("byPlan", "planBudget");
        if (!a.field("byPlan").isMissing()) {
            Map<String, Long> byPlan = new LinkedHashMap<>();
            a.field("byPlan").entries().forEach((plan, n) -> byPlan.put(plan.toLowerCase(Locale.ROOT), n.number()));
            return Amount.newBuilder().setByPlan(byPlan).build();
        }
        YamlNode budget = a.field("planBudget").allowOnly("base", "multipliers", "perSeat");
        Map<String, Double> multipliers = new LinkedHashMap<>();
        budget.field("multipliers").entries().forEach((plan, m) -> multipliers.put(plan.toLowerCase(Locale.ROOT), m.decimal()));
        return Amount.newBuilder().setPlanBudget(new PlanBudget(budget.field("base").number(), multipliers,
                budget.field("perSeat").bool(true))).build();
    }

    private static Match match(YamlNode m) {
        m.allowOnly("methods", "paths", "apiVersions", "authKinds", "categories");
        return Match.newBuilder()
                .setMethods(m.field("methods").texts().stream().map(s -> s.toUpperCase(Locale.ROOT)).toList())
                .setPaths(m.field("paths").texts())
                .setApiVersions(m.field("apiVersions").texts())
                .setAuthKinds(m.field("authKinds").items().stream().map(k -> enumOf(AuthKind.class, k, null)).toList())
                .setCategories(m.field("categories").texts())
                .build();
    }

    static Account account(YamlNode a) {
        a.allowOnly("id", "policy", "plan", "seats", "timeZone", "extraUnits", "integrationWeights");
        Map<String, Integer> weights = new LinkedHashMap<>();
        a.field("integrationWeights").entries().forEach((integration, w) -> weights.put(integration, (int) w.number()));
        Account account = Account.newBuilder()
                .setId(a.field("id").text())
                .setPolicyId(a.field("policy").text())
                .setPlan(lower(a.field("plan").textOr(null)))
                .setSeats(a.field("seats").isMissing() ? 1 : (int) a.field("seats").number())
                .setTimeZone(a.field("timeZone").textOr(null))
                .setExtraUnits(a.field("extraUnits").isMissing() ? 0 : a.field("extraUnits").number())
                .setIntegrationWeights(weights)
                .build();
        AccountFactsMapper.validate(account, a.path());
        return account;
    }

    private static Match emptyMatch() {
        return Match.newBuilder().build();
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, YamlNode node, E fallback) {
        if (node.isMissing() && fallback != null) {
            return fallback;
        }
        String text = node.text().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new PolicyException(node.path(), "'" + node.text() + "' is not one of " + names);
        }
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
