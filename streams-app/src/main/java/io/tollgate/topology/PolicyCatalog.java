package io.tollgate.topology;

import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.policy.AccountFactsMapper;
import io.tollgate.policy.PolicyCompiler;
import io.tollgate.policy.PolicyException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Compiled policies and account facts of one app instance, shared by its stream threads. The global
 * stores hold the records; this caches what they compile to. Every change through the global
 * processors bumps the epoch, which invalidates the cache, so a new limit applies to the next call
 * without a restart.
 */
public final class PolicyCatalog {

    private final LimiterSettings settings;
    private final Deserializer<Policy> policyReader;
    private final Deserializer<Account> accountReader;
    private final AtomicLong epoch = new AtomicLong();
    private final Map<String, Cached<Compiled>> policies = bounded(MAX_CACHED);
    private final Map<String, Cached<AccountRecord>> accounts = bounded(MAX_CACHED);

    /** A policy as compiled, or why it could not be. */
    public record Compiled(LimitPolicy policy, String problem) {
    }

    /** An account's facts and policy id, or why they cannot be used. */
    public record AccountRecord(AccountFacts facts, String policyId, String problem) {
    }

    private record Cached<T>(long epoch, T value) {
    }

    /**
     * Entries kept per cache: the accounts a task decides for, many times over. Least recently used ones
     * go first, so that a stream of account ids never seen again (or made up) cannot fill the heap.
     */
    static final int MAX_CACHED = 10_000;

    private static <T> Map<String, T> bounded(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
                return size() > max;
            }
        });
    }

    public PolicyCatalog(LimiterSettings settings, Deserializer<Policy> policyReader, Deserializer<Account> accountReader) {
        this.settings = settings;
        this.policyReader = policyReader;
        this.accountReader = accountReader;
    }

    public long epoch() {
        return epoch.get();
    }

    /** Called by the global processors after a policy or account record was stored. */
    public void changed() {
        epoch.incrementAndGet();
    }

    public LimiterSettings settings() {
        return settings;
    }

    /** Decodes and compiles a policy record; throws {@link PolicyException} naming the field. */
    public LimitPolicy compile(String topic, byte[] bytes) {
        Policy policy = policyReader.deserialize(topic, bytes);
        return new PolicyCompiler(settings).compile(policy, "policy '" + policy.getId() + "'");
    }

    public Account readAccount(String topic, byte[] bytes) {
        return accountReader.deserialize(topic, bytes);
    }

    /** The compiled policy {@code id}, loading it with {@code raw} (the global store) on a miss. */
    public Compiled policy(String id, Function<String, byte[]> raw) {
        return cached(policies, id, () -> {
            byte[] bytes = raw.apply(id);
            if (bytes == null) {
                return new Compiled(null, "no policy '" + id + "' exists");
            }
            try {
                return new Compiled(compile("policies", bytes), null);
            } catch (RuntimeException e) {
                if (RejectingExceptionHandler.isTransient(e)) {
                    throw e; // the registry is away: not cached, and the record is processed again later
                }
                return new Compiled(null, "policy '" + id + "' cannot be used: " + e.getMessage());
            }
        });
    }

    /** The account {@code id}, or null when it has no record. */
    public AccountRecord account(String id, Function<String, byte[]> raw) {
        return cached(accounts, id, () -> {
            byte[] bytes = raw.apply(id);
            if (bytes == null) {
                return null;
            }
            try {
                Account account = readAccount("accounts", bytes);
                return new AccountRecord(AccountFactsMapper.toFacts(account), account.getPolicyId(), null);
            } catch (RuntimeException e) {
                if (RejectingExceptionHandler.isTransient(e)) {
                    throw e;
                }
                return new AccountRecord(null, null, "account '" + id + "' cannot be used: " + e.getMessage());
            }
        });
    }

    private <T> T cached(Map<String, Cached<T>> cache, String id, java.util.function.Supplier<T> load) {
        long now = epoch.get();
        Cached<T> hit = cache.get(id);
        if (hit != null && hit.epoch() == now) {
            return hit.value();
        }
        T value = load.get();
        cache.put(id, new Cached<>(now, value));
        return value;
    }
}
