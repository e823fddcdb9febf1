package io.tollgate.topology;

import io.tollgate.limiter.Limiter;
import io.tollgate.topology.store.LimiterStores;
import java.util.List;
import java.util.Map;
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

    /** Looks at up to {@code slice} counters after the last one looked at; @return how many it deleted. */
    int sweep(long plannedNowMs, int slice) {
        List<Map.Entry<Bytes, LimiterStores.StoredState>> states = stores.statesAfter(cursor, slice);
        int deleted = 0;
        for (Map.Entry<Bytes, LimiterStores.StoredState> entry : states) {
            LimiterStores.StoredState stored = entry.getValue();
            if (stored.state() == null || stored.account() == null) {
                LOG.warn("Counter {} cannot be read by this release; it is kept", entry.getKey());
                continue;
            }
            AccountResolver.Resolution r = accounts.resolve(stored.account());
            if (limiter.isIdle(r.ok() ? r.policy() : null, r.ok() ? r.facts() : null, stored.key(), stored.state(), plannedNowMs)) {
                stores.deleteState(entry.getKey());
                deleted++;
            }
        }
        cursor = states.size() < slice ? null : states.get(states.size() - 1).getKey();
        if (deleted > 0) {
            metrics.statesSwept(deleted);
        }
        return deleted;
    }
}
