package io.tollgate.topology;

import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.topology.store.LimiterStores;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes counters that behave as none: a user or credential that stopped calling must not keep a
 * counter in the store forever. It walks the store a slice at a time from where it stopped, so that a
 * sweep costs one bounded range scan, and it deletes only what {@link Limiter#isIdle} says changes
 * nothing. A counter it cannot read is left alone: deleting it could reset a limit.
 */
final class StateSweep {

    private static final Logger LOG = LoggerFactory.getLogger(StateSweep.class);

    private final Limiter limiter;
    private final LimiterStores stores;
    private final AccountResolver accounts;
    private final TollgateMetrics metrics;
    private Bytes cursor;

    StateSweep(Limiter limiter, LimiterStores stores, AccountResolver accounts, TollgateMetrics metrics) {
        this.limiter = limiter;
        this.stores = stores;
        this.accounts = accounts;
        this.metrics = metrics;
    }

    /** Looks at the counters of up to {@code size} subjects after the last one looked at; @return how many counters it deleted. */
    int sweep(long plannedNowMs, int size) {
        List<LimiterStores.StoredCounters> slice = stores.countersAfter(cursor, size);
        int deleted = 0;
        for (LimiterStores.StoredCounters stored : slice) {
            if (stored.counters() == null) {
                LOG.warn("The counters at {} cannot be read by this release; they are kept", stored.key());
                continue;
            }
            AccountResolver.Resolution r = accounts.resolve(stored.account());
            int before = deleted;
            for (String rule : stored.counters().keys()) {
                LimitState state;
                try {
                    state = stored.counters().get(rule);
                } catch (RuntimeException e) {
                    LOG.warn("Counter {} of {} in account {} cannot be read by this release; it is kept", rule, stored.subject(), stored.account());
                    continue;
                }
                RuleKey key = new RuleKey(rule, stored.subject());
                if (limiter.isIdle(r.ok() ? r.policy() : null, r.ok() ? r.facts() : null, key, state, plannedNowMs)) {
                    stored.counters().put(rule, null);
                    deleted++;
                }
            }
            if (deleted > before) {
                stores.replaceCounters(stored);
            }
        }
        cursor = slice.size() < size ? null : slice.get(slice.size() - 1).key();
        if (deleted > 0) {
            metrics.statesSwept(deleted);
        }
        return deleted;
    }
}
