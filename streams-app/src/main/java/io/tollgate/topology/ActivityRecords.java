package io.tollgate.topology;

import io.tollgate.activity.CallRecord;
import io.tollgate.activity.Entity;
import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchResult;
import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.RejectReason;
import io.tollgate.limiter.RuleCharge;
import io.tollgate.topology.store.InFlightCall;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The account log's view of a result or a rejection: coordinates and outcome, never content. */
final class ActivityRecords {

    private ActivityRecords() {
    }

    static CallRecord result(DispatchResult result, InFlightCall call, long wallNow) {
        ApiRequest r = result.getRequest();
        // Never later than now: a dispatcher's clock ahead (or a hostile time) must not start tomorrow early.
        long at = result.getExecutedAt() == null ? wallNow : Math.min(wallNow, result.getExecutedAt().toEpochMilli());
        return new CallRecord(at, r.getRequestId(), r.getIntegration(), r.getUser(), r.getMethod(), Entity.of(r.getPath()),
                r.getApiVersion(), cost(call), result.getOutcome().name(), result.getStatus(), result.getLatencyMs(), call.waitedFor(), null);
    }

    static CallRecord rejected(ApiRequest r, RejectReason reason, String ruleId, long wallNow) {
        return new CallRecord(wallNow, r.getRequestId(), r.getIntegration(), r.getUser(), r.getMethod(), Entity.of(r.getPath()),
                r.getApiVersion(), 0, CallRecord.REJECTED, null, null, ruleId, reason.name());
    }

    /** The account's zone, for its day; UTC when it has none. */
    static ZoneId zoneOf(AccountFacts facts) {
        return facts == null || facts.zone() == null ? ZoneOffset.UTC : facts.zone();
    }

    /** What the call cost: the most units any rule charged it (its tokens where a budget counts tokens). */
    private static long cost(InFlightCall call) {
        if (call.charges() == null) {
            return 1;
        }
        return call.charges().stream().mapToLong(RuleCharge::units).max().orElse(0);
    }
}
