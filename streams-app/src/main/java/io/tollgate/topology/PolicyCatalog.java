package io.tollgate.topology;

import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.policy.AccountFactsMapper;
import io.tollgate.policy.PolicyCompiler;
import io.tollgate.policy.PolicyException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Compiled policies and account facts of one app instance, shared by its stream threads. The global
 * stores hold the records; this caches what they compile to. A change through the global processors
 * drops what was compiled from that record, so a new limit applies to the next call without a restart,
 * and bumps the epoch, so that waiting calls are looked at again. Only that record's entry goes: an
 * account added or changed must not make every stream thread compile the policy again (a seed of
 * 1,000 accounts did so about once per account, recompiling a cost table of 439 rows each time).
 */
public final class PolicyCatalog {

    private final LimiterSettings settings;
    private final Deserializer<Policy> policyReader;
    private final Deserializer<Account> accountReader;
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final CompiledCache<Compiled> policies = new CompiledCache<>(changes, MAX_CACHED);
    private final CompiledCache<AccountRecord> accounts = new CompiledCache<>(changes, MAX_CACHED);

    /** A policy as compiled, or why it could not be. */
    public record Compiled(LimitPolicy policy, String problem) {
    }

    /** An account's facts and policy id, or why they cannot be used. */
    public record AccountRecord(AccountFacts facts, String policyId, String problem) {
    }

    /**
     * Entries kept per cache: the accounts a task decides for, many times over. Least recently used ones
     * go first, so that a stream of account ids never seen again (or made up) cannot fill the heap.
     */
    static final int MAX_CACHED = 10_000;

    public PolicyCatalog(LimiterSettings settings, Deserializer<Policy> policyReader, Deserializer<Account> accountReader) {
        this.settings = settings;
        this.policyReader = policyReader;
        this.accountReader = accountReader;
    }

    public long epoch() {
        return epoch.get();
    }

    /**
     * Called by the global processor after policy {@code id} was stored or deleted. The epoch moves only once the
     * compiled policy is dropped: a drain woken by the new epoch must not find the old one.
     */
    public void policyChanged(String id) {
        policies.changed(id);
        epoch.incrementAndGet();
    }

    /** Called by the global processor after account {@code id} was stored or deleted; the epoch moves last, as above. */
    public void accountChanged(String id) {
        accounts.changed(id);
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
        return policies.get(id, () -> {
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
        return accounts.get(id, () -> {
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
}
