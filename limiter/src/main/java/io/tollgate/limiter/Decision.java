package io.tollgate.limiter;

import io.tollgate.limiter.limit.LimitState;
import java.util.List;
import java.util.Map;

/** What the engine decided for a call. Only {@link Admit} changes state, and then for every rule at once. */
public sealed interface Decision {

    /**
     * Go now. {@code updates} are the new states of every counter the call was charged to.
     *
     * @param exempt true when a policy exemption matched: nothing was charged
     * @param permits the concurrency permits the dispatcher must give the call, or null when none counts it
     */
    record Admit(List<RuleCharge> charges, Map<RuleKey, LimitState> updates, List<String> shadowViolations,
                 boolean exempt, DispatcherPermits permits) implements Decision {

        public Admit(List<RuleCharge> charges, Map<RuleKey, LimitState> updates, List<String> shadowViolations, boolean exempt) {
            this(charges, updates, shadowViolations, exempt, null);
        }
    }

    /**
     * Wait until {@code notBeforeMs}, the earliest time every rule admits the call as far as known now.
     *
     * @param maxWaitMs the longest the binding rule lets a call wait: once it held the call, any later hold may
     *     take the call's wait that far too (a call parked for a daily reset is not refused by a burst after it)
     */
    record Delay(long notBeforeMs, String bindingRule, String detail, long maxWaitMs) implements Decision {
    }

    /** Never send it. {@code couldGoAtMs} says when it could have gone, for deadline and wait rejections. */
    record Reject(RejectReason reason, String detail, String ruleId, Long couldGoAtMs) implements Decision {
    }
}
