package io.tollgate.limiter.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * The waiting calls of one account, by lane. A lane is one integration using one credential: within
 * a lane calls go in order (priority, then submission); across lanes they take turns, so a flood from
 * one integration cannot starve another that shares the account's budget.
 *
 * @param cursor the lane whose turn comes first in the next round
 * @param wakeAtMs when the next waiting call may be admitted, as far as known (planned time)
 */
public record AccountQueue(List<Lane> lanes, int cursor, long wakeAtMs) {

    /**
     * A lane and where its head is. Knowing the head's key makes the head a point lookup: a scan from
     * the lane's start would step over the tombstones of every call already served.
     *
     * @param blockedUntilMs the head's earliest admission as last computed; 0 when it must be re-evaluated
     */
    public record Lane(String id, int size, long blockedUntilMs, int headPriority, long headSeq) {

        /** Whether a call of this priority and sequence goes before the head. */
        public boolean isAfterHead(int priority, long seq) {
            return priority < headPriority || (priority == headPriority && seq > headSeq);
        }

        /** A lane with no call left (dropped from the index when the drain ends). */
        public static Lane empty(String id) {
            return new Lane(id, 0, 0, 0, 0);
        }

        Lane withHead(int priority, long seq) {
            return new Lane(id, size, 0, priority, seq);
        }

        public Lane blockedUntil(long ms) {
            return new Lane(id, size, ms, headPriority, headSeq);
        }
    }

    public static final AccountQueue EMPTY = new AccountQueue(List.of(), 0, 0);

    public AccountQueue {
        lanes = List.copyOf(lanes);
    }

    public boolean isEmpty() {
        return lanes.isEmpty();
    }

    public int waiting() {
        return lanes.stream().mapToInt(Lane::size).sum();
    }

    public Lane lane(String id) {
        return lanes.stream().filter(l -> l.id().equals(id)).findFirst().orElse(null);
    }

    /** One more call in {@code laneId}; a call that goes before the head becomes the head, to be evaluated. */
    public AccountQueue withArrival(String laneId, int priority, long seq, long blockedUntilMs) {
        List<Lane> next = new ArrayList<>(lanes);
        for (int i = 0; i < next.size(); i++) {
            Lane l = next.get(i);
            if (l.id().equals(laneId)) {
                boolean newHead = !l.isAfterHead(priority, seq);
                Lane grown = new Lane(l.id(), l.size() + 1, l.blockedUntilMs(), l.headPriority(), l.headSeq());
                next.set(i, newHead ? grown.withHead(priority, seq) : grown);
                return new AccountQueue(next, cursor, newHead ? 0 : wakeAtMs);
            }
        }
        next.add(new Lane(laneId, 1, blockedUntilMs, priority, seq));
        return new AccountQueue(next, cursor, isEmpty() ? blockedUntilMs : Math.min(wakeAtMs, blockedUntilMs));
    }

    /** Every head must be evaluated again (a permit was released, a policy changed). */
    public AccountQueue unblocked() {
        return new AccountQueue(lanes.stream().map(l -> l.blockedUntil(0)).toList(), cursor, 0);
    }
}
