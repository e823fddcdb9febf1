package io.tollgate.topology.store;

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
     * @param blockedUntilMs the head's earliest admission as last computed; 0 when it must be re-evaluated
     */
    public record Lane(String id, int size, long blockedUntilMs) {
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

    /** One more call in {@code laneId}; {@code newHead} when it goes to the front of its lane. */
    public AccountQueue withArrival(String laneId, boolean newHead) {
        List<Lane> next = new ArrayList<>(lanes);
        for (int i = 0; i < next.size(); i++) {
            Lane l = next.get(i);
            if (l.id().equals(laneId)) {
                next.set(i, new Lane(l.id(), l.size() + 1, newHead ? 0 : l.blockedUntilMs()));
                return new AccountQueue(next, cursor, newHead ? 0 : wakeAtMs);
            }
        }
        next.add(new Lane(laneId, 1, 0));
        return new AccountQueue(next, cursor, 0);
    }

    /** Every head must be evaluated again (a permit was released, a policy changed). */
    public AccountQueue unblocked() {
        return new AccountQueue(lanes.stream().map(l -> new Lane(l.id(), l.size(), 0)).toList(), cursor, 0);
    }
}
