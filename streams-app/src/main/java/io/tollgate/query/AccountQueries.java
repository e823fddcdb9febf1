package io.tollgate.query;

import io.tollgate.activity.AccountActivity;
import io.tollgate.activity.ActivityCodec;
import io.tollgate.activity.CallRecord;
import io.tollgate.activity.Dimension;
import io.tollgate.activity.Tally;
import io.tollgate.config.StoreNames;
import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.Counter;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.StateLookup;
import io.tollgate.limiter.limit.CredentialState;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.queue.AccountQueue;
import io.tollgate.limiter.rule.LimitAmount;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import io.tollgate.topology.AccountResolver;
import io.tollgate.topology.store.Keys;
import io.tollgate.topology.store.LimiterStores;
import io.tollgate.topology.store.SubjectCounters;
import io.tollgate.topology.store.ValueCodec;
import io.tollgate.topology.store.WaitingCall;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * Answers about one account from the stores of the partition that holds it, on this instance. Each
 * method reads with a {@link PartitionReader} (which throws {@link Unavailable} while the partition moves)
 * and turns what is stored into a view.
 */
public final class AccountQueries {

    private final Limiter limiter;
    private final AccountResolver resolver;

    public AccountQueries(Limiter limiter, AccountResolver resolver) {
        this.limiter = limiter;
        this.resolver = resolver;
    }

    /** Every counter of the account under its policy now, and what the vendor said of its credentials. */
    public Views.UsageView usage(PartitionReader reader, String account, long nowMs) {
        AccountResolver.Resolution r = resolver.resolve(account);
        if (!r.ok()) {
            throw new NotFound(r.detail());
        }
        Map<RuleKey, LimitState> stored = readable(reader, account);
        StateLookup states = stored::get;
        List<RuleKey> order = stored.keySet().stream().sorted(Comparator.comparing(RuleKey::subject)).toList();
        List<Views.CounterView> counters = new ArrayList<>();
        List<Views.CredentialView> credentials = new ArrayList<>();
        for (RuleKey key : order) {
            if (states.get(key) instanceof CredentialState c) {
                credentials.add(new Views.CredentialView(key.subject(), c.isPausedAt(nowMs) ? iso(c.pausedUntilMs()) : null,
                        c.isPausedAt(nowMs) ? c.pauseReason() : null, c.vendorLimits()));
                continue;
            }
            limiter.counter(r.policy(), r.facts(), key, states, nowMs).ifPresent(c -> counters.add(view(c)));
        }
        // Rules in policy order, then subjects in key order.
        List<String> ruleOrder = r.policy().rules().stream().map(LimitRule::id).toList();
        counters.sort(Comparator.comparingInt((Views.CounterView c) -> ruleOrder.indexOf(c.rule())).thenComparing(Views.CounterView::subject));
        return new Views.UsageView(r.policy().id(), zoneOf(r.facts()).getId(), counters, credentials, iso(nowMs));
    }

    /** Every counter of the account; one this release cannot read is left out, not guessed. */
    private static Map<RuleKey, LimitState> readable(PartitionReader reader, String account) {
        Map<RuleKey, LimitState> states = new HashMap<>();
        Bytes prefix = Keys.prefix(account);
        for (KeyValue<Bytes, byte[]> kv : reader.range(StoreNames.COUNTERS, prefix, Keys.upperBound(prefix))) {
            String subject = new String(kv.key.get(), prefix.get().length, kv.key.get().length - prefix.get().length, StandardCharsets.UTF_8);
            try {
                SubjectCounters counters = SubjectCounters.decode(kv.value);
                for (String rule : counters.keys()) {
                    try {
                        states.put(new RuleKey(rule, subject), counters.get(rule));
                    } catch (RuntimeException e) {
                        // this counter is left out
                    }
                }
            } catch (RuntimeException e) {
                // this subject is left out
            }
        }
        return states;
    }

    private static Views.CounterView view(Counter c) {
        LimitRule rule = c.rule();
        return new Views.CounterView(rule.id(), rule.limit().describe(c.limit()), c.subject(), rule.isShadow() ? "shadow" : "enforce",
                limitKind(rule), c.limit(), c.vendorLimit(), c.usage().used(), c.usage().remaining(),
                c.usage().resetAtMs() == null ? null : iso(c.usage().resetAtMs()), c.binding(),
                c.runsOutAtMs() == null ? null : iso(c.runsOutAtMs()), c.usage().untracked());
    }

    static String limitKind(LimitRule rule) {
        String simple = rule.limit().getClass().getSimpleName();
        return switch (simple) {
            case "SlidingWindowLimit" -> "sliding-window";
            case "FixedWindowLimit" -> "fixed-window";
            case "TokenBucketLimit" -> "token-bucket";
            case "DailyQuotaLimit" -> "daily-quota";
            case "ConcurrencyLimit" -> "concurrency";
            default -> simple;
        };
    }

    /** Usage today broken down by {@code by}, in the account's day. */
    public Views.TodayView today(PartitionReader reader, String account, Dimension by, long nowMs) {
        AccountResolver.Resolution r = resolver.resolve(account);
        ZoneId zone = zoneOf(r.ok() ? r.facts() : null);
        byte[] stored = reader.get(StoreNames.ACTIVITY, Bytes.wrap(Keys.utf8(account)));
        AccountActivity activity = (stored == null ? AccountActivity.NONE : ActivityCodec.decodeActivity(stored)).asOf(nowMs, zone);
        List<Views.TallyView> usage = activity.by().getOrDefault(by, Map.of()).entrySet().stream()
                .sorted(Map.Entry.<String, Tally>comparingByValue(Comparator.comparingLong(Tally::units).thenComparingLong(Tally::calls))
                        .reversed().thenComparing(Map.Entry::getKey))
                .map(e -> new Views.TallyView(e.getKey(), e.getValue().calls(), e.getValue().units())).toList();
        return new Views.TodayView(LocalDate.ofEpochDay(activity.day()).toString(), zone.getId(), by.param(), activity.today().calls(),
                activity.today().units(), activity.lastCallAtMs() == 0 ? null : iso(activity.lastCallAtMs()), usage,
                activity.callsByHour(), activity.outcomes());
    }

    /** The last {@code limit} calls of the account, newest first. */
    public Views.CallsView calls(PartitionReader reader, String account, int limit) {
        Bytes prefix = Keys.prefix(account);
        List<CallRecord> calls = new ArrayList<>();
        for (KeyValue<Bytes, byte[]> kv : reader.range(StoreNames.RECENT_CALLS, prefix, Keys.upperBound(prefix))) {
            // Exactly the account's slots: the prefix of another account can be longer (a\0 vs a\0b...).
            if (kv.key.get().length != prefix.get().length + Integer.BYTES) {
                continue;
            }
            try {
                calls.add(ActivityCodec.decodeCall(kv.value));
            } catch (IllegalArgumentException e) {
                // Not readable by this release: left out.
            }
        }
        calls.sort(Comparator.comparingLong(CallRecord::atMs).reversed());
        return new Views.CallsView(limit, calls.stream().limit(limit).map(c -> new Views.CallView(iso(c.atMs()), c.requestId(),
                c.integration(), c.user(), c.method(), c.entity(), c.apiVersion(), c.cost(), c.outcome(), c.status(), c.latencyMs(),
                c.waitedFor(), c.detail())).toList());
    }

    /** The waiting queue of the account, lane by lane. */
    public Views.QueueView queue(PartitionReader reader, String account, long nowMs) {
        byte[] stored = reader.get(StoreNames.ACCOUNT_QUEUES, Bytes.wrap(Keys.utf8(account)));
        AccountQueue queue = stored == null ? AccountQueue.EMPTY : ValueCodec.decodeQueue(stored);
        List<Views.LaneView> lanes = new ArrayList<>();
        for (AccountQueue.Lane lane : queue.lanes()) {
            byte[] head = reader.get(StoreNames.WAITING, LimiterStores.waitingKey(account, lane.id(), lane.headPriority(), lane.headSeq()));
            WaitingCall call = head == null ? null : ValueCodec.decodeWaiting(head);
            int split = lane.id().indexOf(Keys.LANE_SEPARATOR);
            String integration = split < 0 ? lane.id() : lane.id().substring(0, split);
            String credential = split < 0 ? null : lane.id().substring(split + 1);
            lanes.add(new Views.LaneView(integration, credential, lane.size(), call == null ? null : iso(call.waitingSinceMs()),
                    call == null ? 0 : Math.max(0, nowMs - call.waitingSinceMs()),
                    lane.blockedUntilMs() == 0 ? null : iso(lane.blockedUntilMs()), call == null ? null : call.bindingRule()));
        }
        return new Views.QueueView(queue.waiting(), queue.isEmpty() || queue.wakeAtMs() == 0 ? null : iso(queue.wakeAtMs()), lanes);
    }

    /** The compiled policy: what the limiter evaluates. */
    public static Views.PolicyView policy(LimitPolicy policy) {
        List<Views.RuleView> rules = policy.rules().stream().map(rule -> new Views.RuleView(rule.id(),
                rule.isShadow() ? "shadow" : "enforce", rule.scope().name().toLowerCase(java.util.Locale.ROOT), amount(rule), limitKind(rule),
                rule.maxWaitMs() == null ? null : rule.maxWaitMs() + " ms", rule.feedback() != null)).toList();
        return new Views.PolicyView(policy.id(), policy.maxWaitMs() + " ms", rules, policy.exemptions().size(),
                policy.costs().entries().size(), policy.pathAliases().stream().map(a -> a.prefix() + " = " + a.sameAs()).toList());
    }

    /** The limit as the policy states it: a number, or how the account's plan and seats size it. */
    private static String amount(LimitRule rule) {
        if (rule.amount() instanceof LimitAmount.Fixed fixed) {
            return rule.limit().describe(fixed.value());
        }
        String n = rule.amount() instanceof LimitAmount.ByPlan byPlan ? "N by plan " + new java.util.TreeMap<>(byPlan.limits())
                : rule.amount() instanceof LimitAmount.PlanBudget budget ? "N = " + budget.base() + " x plan multiplier "
                        + new java.util.TreeMap<>(budget.multipliers()) + (budget.perSeat() ? " x seats" : "")
                : "N = " + rule.amount();
        return rule.limit().describe(1).replaceFirst("^1", "N") + ", " + n;
    }

    private static ZoneId zoneOf(AccountFacts facts) {
        return facts == null || facts.zone() == null ? ZoneOffset.UTC : facts.zone();
    }

    private static String iso(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }

    /** The account is unknown, or cannot be read (its record or policy is refused). */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }
}
