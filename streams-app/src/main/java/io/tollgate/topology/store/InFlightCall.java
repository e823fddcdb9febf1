package io.tollgate.topology.store;

import io.tollgate.limiter.RuleCharge;
import java.util.List;

/**
 * A dispatched call waiting for its result: which dispatch it is (a result is matched to its attempt and
 * slot, never to a later dispatch of the same request) and enough to put it back in its place.
 *
 * @param plannedAtMs the slot it was dispatched for (the dispatched record's execute_at)
 * @param waitingSinceMs when it first started waiting: a call that comes back keeps its age, so its maximum wait bounds every return
 * @param staleReturns how often it came back STALE (not sent: too late for its slot), which is not an attempt at the vendor
 * @param charges what the call was charged, as the limiter recorded it: a result's feedback acts on these, not on
 *     what the result says it was charged (null for calls recorded before charges were kept)
 * @param grantedWaitMs the longest maximum wait of the rules that held it before it went, kept for its return
 * @param waitedFor the rule that held it back last before it went, null when it went at once (for the account's log)
 */
public record InFlightCall(long seq, int attempt, long dispatchedAtMs, long plannedAtMs, long waitingSinceMs, int staleReturns,
                           List<RuleCharge> charges, long grantedWaitMs, String waitedFor) {

    public InFlightCall(long seq, int attempt, long dispatchedAtMs, long plannedAtMs, long waitingSinceMs, int staleReturns,
                        List<RuleCharge> charges, long grantedWaitMs) {
        this(seq, attempt, dispatchedAtMs, plannedAtMs, waitingSinceMs, staleReturns, charges, grantedWaitMs, null);
    }

    public InFlightCall(long seq, int attempt, long dispatchedAtMs, long plannedAtMs, long waitingSinceMs, int staleReturns,
                        List<RuleCharge> charges) {
        this(seq, attempt, dispatchedAtMs, plannedAtMs, waitingSinceMs, staleReturns, charges, 0);
    }

    public InFlightCall {
        charges = charges == null ? null : List.copyOf(charges);
    }

    /** The slot of a call recorded before slots were: any result of its attempt matches it. */
    public static final long UNKNOWN_SLOT = Long.MIN_VALUE;

    /** Whether a result of ({@code attempt}, {@code executeAtMs}) is this dispatch's, not an earlier one's. */
    public boolean isDispatch(int resultAttempt, Long resultExecuteAtMs) {
        return resultAttempt == attempt && (plannedAtMs == UNKNOWN_SLOT || resultExecuteAtMs == null || resultExecuteAtMs == plannedAtMs);
    }
}
