package io.tollgate.topology;

import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.StateLookup;
import io.tollgate.limiter.limit.Leases;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.WindowLog;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Slots a task gave ahead of the time it decided them at, below which its later decisions are not made: per lane,
 * so that no call overtakes one of its own lane; and per sliding window or set of permits, which, asked about a time
 * before one they already counted, may have forgotten what counted then (a charge prunes the entries that left the
 * window, or the leases that ended, as of its own time). The other limits answer an earlier time safely: a fixed
 * window or a day refuses a time before the period it counts, and a token bucket and a pause only hold more at an
 * earlier time. Other lanes and counters are not held back, so a drain can give each call the very moment its own
 * limits free it: an account's shared daily budget must not make one token's call wait for another's slot. (An
 * account-wide concurrency limit still does: its calls wait up to a look-ahead behind a slot given ahead.)
 *
 * <p>Kept in memory, since slots are given at most a look-ahead past the lead: an entry goes once its slot is no
 * longer ahead. A task that starts (a restart, a rebalance) starts with none: its first decisions come later than
 * any slot its predecessor gave as long as the handover takes longer than the look-ahead plus any difference
 * between the instances' clocks.
 */
final class SlotFloors {

    private record CounterKey(String account, RuleKey rule) {
    }

    private final Map<String, Long> lanes = new HashMap<>();
    private final Map<CounterKey, Long> counters = new HashMap<>();

    /** The earliest slot a call of {@code lane} may have, {@code earliest} unless the lane was given a later one. */
    long ofLane(String account, String lane, long earliest) {
        Long floor = lanes.get(laneKey(account, lane));
        return floor == null ? earliest : Math.max(earliest, floor);
    }

    /**
     * {@code states} as read by a decision, each sliding window or set of permits it reads raising {@code floor[0]} to
     * the slot it was given, if later; {@code states} itself when no counter has one.
     */
    StateLookup watching(String account, StateLookup states, long[] floor) {
        if (counters.isEmpty()) {
            return states;
        }
        return key -> {
            LimitState state = states.get(key);
            if (state instanceof WindowLog || state instanceof Leases) {
                Long given = counters.get(new CounterKey(account, key));
                if (given != null && given > floor[0]) {
                    floor[0] = given;
                }
            }
            return state;
        };
    }

    /** A call of {@code lane} was given {@code slot}, later than decisions made now would be, charging {@code charged}. */
    void given(String account, String lane, Collection<RuleKey> charged, long slot) {
        lanes.merge(laneKey(account, lane), slot, Math::max);
        for (RuleKey key : charged) {
            counters.merge(new CounterKey(account, key), slot, Math::max);
        }
    }

    /** Forgets the floors at or before {@code earliest}: no decision goes below them any more. */
    void forgetUpTo(long earliest) {
        lanes.values().removeIf(floor -> floor <= earliest);
        counters.values().removeIf(floor -> floor <= earliest);
    }

    private static String laneKey(String account, String lane) {
        return account + '\u0000' + lane;
    }
}
