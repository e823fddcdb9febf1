package io.tollgate.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import io.tollgate.limiter.LimiterSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a policy file: policies and accounts in YAML (JSON is YAML too), optionally including other
 * files such as the bundled presets ({@code include: [classpath:presets/pipedrive.yaml]}). Every policy
 * is validated by {@link PolicyCompiler} before it is returned, so a file that loads is a file that runs.
 */
public final class PolicyFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CLASSPATH = "classpath:";
    private static final String[] LIMIT_KINDS = {"slidingWindow", "fixedWindow", "tokenBucket", "dailyQuota", "concurrency"};

    /** What a file (with its includes) defines. */
    public record Contents(List<Policy> policies, List<Account> accounts) {
    }

    private final LimiterSettings settings;
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Set<String> loading = new HashSet<>();

    private PolicyFile(LimiterSettings settings) {
        this.settings = settings;
    }

    /** Reads a file path, or {@code classpath:<resource>}. */
    public static Contents load(String location, LimiterSettings settings) {
        PolicyFile file = new PolicyFile(settings);
        file.include(location, "");
        return file.contents();
    }

    /** Reads YAML text; relative includes and cost tables resolve against {@code baseDir}. */
    public static Contents parse(String yaml, String baseDir, LimiterSettings settings) {
        PolicyFile file = new PolicyFile(settings);
        file.read(yaml, baseDir, "");
        return file.contents();
    }

    private Contents contents() {
        Map<String, io.tollgate.limiter.rule.Policy> compiled = new LinkedHashMap<>();
        for (Account account : accounts.values()) {
            if (!policies.containsKey(account.getPolicyId())) {
                throw new PolicyException("accounts[" + account.getId() + "].policy",
                        "no policy '" + account.getPolicyId() + "' is defined; known: " + policies.keySet());
            }
            AccountFactsMapper.checkZone(account, compiled.computeIfAbsent(account.getPolicyId(),
                    id -> new PolicyCompiler(settings).compile(policies.get(id), null)), "accounts[" + account.getId() + "]");
        }
        return new Contents(List.copyOf(policies.values()), List.copyOf(accounts.values()));
    }

    private void include(String location, String baseDir) {
        String resolved = resolve(location, baseDir);
        if (!loading.add(resolved)) {
            return;
        }
        read(readText(resolved, location), parentOf(resolved), resolved + ": ");
    }

    private void read(String yaml, String baseDir, String source) {
        YamlNode root;
        try {
            root = new YamlNode(YAML.readTree(yaml), "");
        } catch (JsonProcessingException e) {
            throw new PolicyException(source + "(file)", "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        }
        if (root.isMissing()) {
            return;
        }
        root.allowOnly("include", "policies", "accounts");
        for (YamlNode inc : root.field("include").items()) {
            include(inc.text(), baseDir);
        }
        // A file may redefine a policy it included (a preset, say); within one file an id is unique.
        Set<String> defined = new HashSet<>();
        for (YamlNode p : root.field("policies").items()) {
            Policy policy = policy(p, baseDir);
            String path = source + p.path();
            if (!defined.add(policy.getId())) {
                throw new PolicyException(path + ".id", "policy '" + policy.getId() + "' is defined twice");
            }
            new PolicyCompiler(settings).compile(policy, path);
            policies.put(policy.getId(), policy);
        }
        for (YamlNode a : root.field("accounts").items()) {
            Account account = account(a);
            accounts.put(account.getId(), account);
        }
    }

    private Policy policy(YamlNode p, String baseDir) {
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
        b.setExemptions(p.field("exemptions").items().stream().map(this::match).toList());
        List<YamlNode> rules = p.field("rules").items();
        if (rules.isEmpty()) {
            throw new PolicyException(p.field("rules").path(), "at least one rule is required");
        }
        b.setRules(rules.stream().map(this::rule).toList());
        return b.build();
    }

    /** A cost table is a CSV file name, or a list of entries written in the policy. */
    private List<CostEntry> costTable(YamlNode table, String baseDir) {
        if (table.isMissing()) {
            return List.of();
        }
        if (table.isText()) {
            String location = resolve(table.text(), baseDir);
            return CostTableFile.parse(readText(location, table.path()), table.path() + " (" + table.text() + ")");
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

    private Rule rule(YamlNode r) {
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
                .setExcept(r.field("except").items().stream().map(this::match).toList())
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

    private Amount amount(YamlNode a) {
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

    private Match match(YamlNode m) {
        m.allowOnly("methods", "paths", "apiVersions", "authKinds", "categories");
        return Match.newBuilder()
                .setMethods(m.field("methods").texts().stream().map(s -> s.toUpperCase(Locale.ROOT)).toList())
                .setPaths(m.field("paths").texts())
                .setApiVersions(m.field("apiVersions").texts())
                .setAuthKinds(m.field("authKinds").items().stream().map(k -> enumOf(AuthKind.class, k, null)).toList())
                .setCategories(m.field("categories").texts())
                .build();
    }

    private Account account(YamlNode a) {
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

    static Match emptyMatch() {
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

    private static String resolve(String location, String baseDir) {
        if (location.startsWith(CLASSPATH)) {
            return location;
        }
        if (baseDir.startsWith(CLASSPATH)) {
            return CLASSPATH + (baseDir.length() == CLASSPATH.length() ? "" : baseDir.substring(CLASSPATH.length()) + "/") + location;
        }
        Path path = Path.of(location);
        return (path.isAbsolute() || baseDir.isEmpty() ? path : Path.of(baseDir).resolve(path)).normalize().toString();
    }

    private static String parentOf(String location) {
        if (location.startsWith(CLASSPATH)) {
            int slash = location.lastIndexOf('/');
            return slash < 0 ? CLASSPATH : location.substring(0, slash);
        }
        Path parent = Path.of(location).toAbsolutePath().getParent();
        return parent == null ? "" : parent.toString();
    }

    private static String readText(String location, String asWritten) {
        try {
            if (location.startsWith(CLASSPATH)) {
                String resource = location.substring(CLASSPATH.length());
                try (InputStream in = PolicyFile.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new PolicyException(asWritten, "no such resource on the classpath: " + resource);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(Path.of(location));
        } catch (IOException e) {
            throw new PolicyException(asWritten, "cannot read " + location + ": " + e.getMessage(), e);
        }
    }
}
