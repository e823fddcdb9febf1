package io.tollgate.limiter;

import io.tollgate.limiter.limit.LimitState;
import java.util.List;
import java.util.Map;

/**
 * What a result changes, and what it revealed.
 *
 * @param updates counter states: released permits, confirmed or moved charges, adopted vendor counts and
 *     limits, pauses; a null value deletes the counter
 * @param requeue whether the call must wait again
 * @param pausedUntilMs until when its credential pauses, or null
 * @param freedCapacity whether capacity came free sooner than the limiter had planned (a released permit,
 *     or a charge held past its window until its result came): the only changes that let a waiting call go sooner
 * @param spentQuota a calendar quota the vendor reported spent while refusing the call (a 429 with
 *     "0 left today"): the call waits for that quota's reset, and its return is not an attempt; else null
 * @param adoptedLimits vendor limits below the policy's, adopted by this result (new or changed)
 * @param untrackedUnits per rule id, units the vendor counted that Tollgate did not send (its remaining
 *     count was below Tollgate's): the users' own UI actions, or other tools on the same account
 */
public record FeedbackEffect(Map<RuleKey, LimitState> updates, boolean requeue, Long pausedUntilMs, boolean blocked,
                             boolean freedCapacity, SpentQuota spentQuota, List<AdoptedLimit> adoptedLimits,
                             Map<String, Long> untrackedUnits) {

    public FeedbackEffect {
        adoptedLimits = List.copyOf(adoptedLimits);
        untrackedUnits = Map.copyOf(untrackedUnits);
    }

    /** A quota the vendor reported spent, and when it resets. */
    public record SpentQuota(String ruleId, long resetAtMs) {
    }

    /** A vendor's limit for one subject, lower than the policy's and used from now on. */
    public record AdoptedLimit(String ruleId, String subject, long policyLimit, long vendorLimit) {
    }
}
