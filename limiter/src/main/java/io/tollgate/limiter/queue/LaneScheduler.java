package io.tollgate.limiter.queue;

import io.tollgate.limiter.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Which waiting calls of one account go now, and in what order. Lanes take turns, each sending as many
 * calls in a row as its weight; within a lane calls leave in order, and a head that must wait holds its
 * lane (no call overtakes an earlier one of its lane). A call leaves its lane when it is admitted or
 * refused; one that cannot be decided at all is set aside so that the calls behind it go on. A head that
 * must wait is reported with what holds it, so that the caller can keep (and say) why and until when.
 *
 * <p>Pure, as {@link io.tollgate.limiter.Limiter} is: the queue index and the lanes' calls in, steps out,
 * the clock a parameter. Every decision is the caller's {@link Judge}'s, which sees the charges of the
 * calls it admitted before; the caller applies the steps (stores, records) in their order.
 */
public final class LaneScheduler {

    /** Decides one call at the time of the drain. It must count the calls it admits before deciding the next. */
    @FunctionalInterface
    public interface Judge<C> {
        Decision decide(C call);
    }

    /** The calls of a lane, read from the head only as far as the drain goes: a lane can hold millions. */
    public interface LaneCalls<C> {

        /** The call at the lane's head as the index knows it, null when there is none any more. */
        C head(AccountQueue.Lane lane);

        /** The call after {@code call} in its lane, null when none follows. */
        C after(String laneId, C call);
    }

    /** What the caller does, in this order. */
    public sealed interface Step<C> {

        String lane();

        C call();

        /** The call leaves its lane: {@code decision} is an {@link Decision.Admit} or a {@link Decision.Reject}. */
        record Leave<C>(String lane, C call, Decision decision) implements Step<C> {
        }

        /** The call leaves its lane refused: deciding it failed with {@code failure}. */
        record SetAside<C>(String lane, C call, RuntimeException failure) implements Step<C> {
        }

        /** The call stays where it is, allowed to wait longer: store it again. */
        record Regrant<C>(String lane, C call) implements Step<C> {
        }

        /**
         * The call stays at the head of its lane, held by {@code delay}: its rule, until when, and the maximum
         * wait that rule grants (which the call keeps if it is longer than what it was granted).
         */
        record Held<C>(String lane, C call, Decision.Delay delay) implements Step<C> {
        }
    }

    /** The steps of a drain, and the queue index after them. */
    public record Drain<C>(List<Step<C>> steps, AccountQueue after) {
    }

    /** A call taken out of the middle of its lane, and what follows from it. */
    public record Removal<C>(List<Step<C>> steps, AccountQueue after, Long laneBlockedUntilMs) {
    }

    private LaneScheduler() {
    }

    /**
     * Whether a new call of {@code laneId} is decided at once rather than queued: nobody waits in its lane,
     * and no waiting call of the account can go before it would (so deciding it now overtakes no one).
     */
    public static boolean goesAtOnce(AccountQueue queue, String laneId, long plannedNowMs) {
        return queue.lane(laneId) == null && (queue.isEmpty() || queue.wakeAtMs() > plannedNowMs);
    }

    /**
     * Lets waiting calls go while the judge admits them, lanes taking turns from the queue's cursor.
     *
     * @param force look at every lane head again, even those known to be blocked (after a result or a policy change)
     * @param turns how many calls in a row a lane may send when its turn comes (its integration's weight)
     */
    public static <C extends QueuedCall<C>> Drain<C> drain(AccountQueue before, boolean force, long plannedNowMs, LaneCalls<C> calls,
                                                           ToIntFunction<String> turns, Judge<C> judge) {
        if (before.isEmpty()) {
            return new Drain<>(List.of(), before);
        }
        Run<C> run = new Run<>(calls);
        List<AccountQueue.Lane> lanes = new ArrayList<>(force ? before.unblocked().lanes() : before.lanes());
        int n = lanes.size();
        int start = Math.floorMod(before.cursor(), n);
        int lastServed = -1;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int k = 0; k < n; k++) {
                int index = (start + k) % n;
                AccountQueue.Lane lane = lanes.get(index);
                if (lane.size() == 0 || lane.blockedUntilMs() > plannedNowMs) {
                    continue;
                }
                int allowed = turns.applyAsInt(lane.id());
                for (int t = 0; t < allowed && lane.size() > 0; t++) {
                    C head = run.head(lane);
                    if (head == null) {
                        lane = AccountQueue.Lane.empty(lane.id());
                        break;
                    }
                    Decision d;
                    try {
                        d = judge.decide(head);
                    } catch (RuntimeException e) {
                        run.steps.add(new Step.SetAside<>(lane.id(), head, e));
                        lane = run.leave(lane, head);
                        progress = true;
                        lastServed = index;
                        continue;
                    }
                    if (d instanceof Decision.Delay delay) {
                        // The lane waits for its head: nothing behind it is looked at in this drain.
                        run.steps.add(new Step.Held<>(lane.id(), head, delay));
                        lane = lane.blockedUntil(delay.notBeforeMs());
                        break;
                    }
                    run.steps.add(new Step.Leave<>(lane.id(), head, d));
                    lane = run.leave(lane, head);
                    progress = true;
                    lastServed = index;
                }
                lanes.set(index, lane);
            }
            start = (start + 1) % n;
        }
        List<AccountQueue.Lane> remaining = lanes.stream().filter(l -> l.size() > 0).toList();
        long wakeAt = remaining.stream().mapToLong(AccountQueue.Lane::blockedUntilMs).min().orElse(0);
        return new Drain<>(run.steps, new AccountQueue(remaining, nextCursor(lanes, lastServed, before.cursor()), wakeAt));
    }

    /**
     * The next drain starts with the lane after the last one that sent a call, wherever this one started:
     * when one call goes per wake-up (an account-wide budget refilling slowly), every lane gets its turn.
     * The cursor is a position among the lanes that remain.
     */
    private static int nextCursor(List<AccountQueue.Lane> lanes, int lastServed, int cursor) {
        if (lastServed < 0) {
            return cursor;
        }
        int n = lanes.size();
        for (int k = 1; k <= n; k++) {
            int index = (lastServed + k) % n;
            if (lanes.get(index).size() > 0) {
                int position = 0;
                for (int i = 0; i < index; i++) {
                    position += lanes.get(i).size() > 0 ? 1 : 0;
                }
                return position;
            }
        }
        return 0;
    }

    /**
     * Takes {@code call} out of lane {@code laneId} wherever it waits (its deadline passed), null when the
     * lane is not in the queue. A head that leaves passes its granted wait to the next call, as in a drain.
     */
    public static <C extends QueuedCall<C>> Removal<C> remove(AccountQueue before, String laneId, C call, LaneCalls<C> calls) {
        AccountQueue.Lane lane = before.lane(laneId);
        if (lane == null) {
            return null;
        }
        Run<C> run = new Run<>(calls);
        boolean wasHead = lane.headPriority() == call.priority() && lane.headSeq() == call.seq();
        AccountQueue.Lane after = wasHead ? run.leave(lane, call)
                : new AccountQueue.Lane(lane.id(), lane.size() - 1, lane.blockedUntilMs(), lane.headPriority(), lane.headSeq());
        List<AccountQueue.Lane> lanes = new ArrayList<>();
        for (AccountQueue.Lane l : before.lanes()) {
            if (!l.id().equals(laneId)) {
                lanes.add(l);
            } else if (after.size() > 0) {
                lanes.add(after);
            }
        }
        // A new head must be evaluated: the account wakes at once.
        AccountQueue queue = new AccountQueue(lanes, before.cursor(), wasHead ? 0 : before.wakeAtMs());
        return new Removal<>(run.steps, queue, lane.blockedUntilMs() == 0 ? null : lane.blockedUntilMs());
    }

    /** What a call that came back from the vendor does next. */
    public enum Return { WAIT_AGAIN, TOO_MANY_STALE_RETURNS, TOO_MANY_ATTEMPTS }

    /**
     * A call that came back and must be sent again waits again, unless it came back too often: a STALE
     * return (not sent, too late for its slot) counts against {@code maxStaleReturns}, any other return
     * against {@code maxAttempts}.
     *
     * @param attempt the attempt it would make next
     * @param staleReturns its STALE returns so far, this one included
     */
    public static Return onReturn(boolean stale, int attempt, int staleReturns, int maxAttempts, int maxStaleReturns) {
        if (stale) {
            return staleReturns > maxStaleReturns ? Return.TOO_MANY_STALE_RETURNS : Return.WAIT_AGAIN;
        }
        return attempt > maxAttempts ? Return.TOO_MANY_ATTEMPTS : Return.WAIT_AGAIN;
    }

    /** The steps of one drain or removal, and the heads it has read (a head it changed is not read again). */
    private static final class Run<C extends QueuedCall<C>> {

        private final LaneCalls<C> calls;
        private final List<Step<C>> steps = new ArrayList<>();
        private final Map<String, C> heads = new HashMap<>();

        Run(LaneCalls<C> calls) {
            this.calls = calls;
        }

        C head(AccountQueue.Lane lane) {
            return heads.containsKey(lane.id()) ? heads.get(lane.id()) : calls.head(lane);
        }

        void regrant(String laneId, C call) {
            steps.add(new Step.Regrant<>(laneId, call));
            heads.put(laneId, call);
        }

        /**
         * The head leaves; the next call becomes the head, to be evaluated. It waited behind the head for the
         * head's reasons, so it inherits the head's granted wait (a lane parked for a daily reset is not refused
         * call by call when the reset comes).
         */
        AccountQueue.Lane leave(AccountQueue.Lane lane, C head) {
            C next = lane.size() > 1 ? calls.after(lane.id(), head) : null;
            heads.put(lane.id(), next);
            if (next == null) {
                return AccountQueue.Lane.empty(lane.id());
            }
            if (head.grantedWaitMs() > next.grantedWaitMs()) {
                regrant(lane.id(), next.granted(head.grantedWaitMs()));
            }
            return new AccountQueue.Lane(lane.id(), lane.size() - 1, 0, next.priority(), next.seq());
        }
    }
}
