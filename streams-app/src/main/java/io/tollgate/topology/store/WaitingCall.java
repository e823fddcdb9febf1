package io.tollgate.topology.store;

import io.tollgate.avro.ApiRequest;
import io.tollgate.limiter.queue.QueuedCall;

/**
 * A call in the waiting queue.
 *
 * @param seq position in submission order (the request's offset in its partition)
 * @param waitingSinceMs when it first started waiting, for maximum waits (kept when it comes back after a dispatch)
 * @param attempt dispatches the vendor saw so far + 1
 * @param notBeforeMs earliest time it may go, as last computed (informational)
 * @param bindingRule what holds it back, as last computed
 * @param staleReturns how often it came back STALE
 * @param grantedWaitMs the longest maximum wait of the rules that held it so far (see {@link io.tollgate.limiter.Decision.Delay})
 */
public record WaitingCall(ApiRequest request, long seq, long waitingSinceMs, int attempt, long notBeforeMs, String bindingRule,
                          int staleReturns, long grantedWaitMs) implements QueuedCall<WaitingCall> {

    public WaitingCall(ApiRequest request, long seq, long waitingSinceMs, int attempt, long notBeforeMs, String bindingRule) {
        this(request, seq, waitingSinceMs, attempt, notBeforeMs, bindingRule, 0, 0);
    }

    @Override
    public int priority() {
        return request.getPriority();
    }

    /** This call, held by {@code rule} until {@code notBeforeMs} as last computed. */
    public WaitingCall heldBy(String rule, long notBeforeMs) {
        return new WaitingCall(request, seq, waitingSinceMs, attempt, notBeforeMs, rule, staleReturns, grantedWaitMs);
    }

    /** This call, allowed to wait as long as {@code maxWaitMs} from now on if that is longer than it was. */
    @Override
    public WaitingCall granted(long maxWaitMs) {
        return maxWaitMs <= grantedWaitMs ? this
                : new WaitingCall(request, seq, waitingSinceMs, attempt, notBeforeMs, bindingRule, staleReturns, maxWaitMs);
    }
}
