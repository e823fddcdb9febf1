package io.tollgate.limiter;

import io.tollgate.limiter.limit.Usage;
import io.tollgate.limiter.rule.LimitRule;

/**
 * One counter as a user looks at it: its rule, whom it counts, the limit in force for it (the vendor's,
 * where the vendor reported a lower one for the credential), its usage, whether it is what holds the next
 * call back, and, for a calendar quota, when it runs out at the rate of the day so far.
 *
 * @param binding whether a call of one unit would wait for this counter now
 * @param runsOutAtMs when a calendar quota runs out at today's rate, if before its reset; else null
 * @param vendorLimit the limit the vendor reported for this credential, when below the policy's; else null
 */
public record Counter(LimitRule rule, String subject, long limit, Usage usage, boolean binding, Long runsOutAtMs, Long vendorLimit) {
}
