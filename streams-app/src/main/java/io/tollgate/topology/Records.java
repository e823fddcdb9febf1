package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.Charge;
import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.HeldPermit;
import io.tollgate.avro.Permit;
import io.tollgate.avro.RejectedCall;
import io.tollgate.avro.SourceRef;
import io.tollgate.limiter.Call;
import io.tollgate.limiter.CallOutcome;
import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.DispatchOutcome;
import io.tollgate.limiter.DispatcherPermits;
import io.tollgate.limiter.RejectReason;
import io.tollgate.limiter.RuleCharge;
import java.time.Instant;
import java.util.List;

/** Conversions between the topics' Avro records and the engine's types. */
public final class Records {

    private Records() {
    }

    public static Call toCall(ApiRequest r) {
        return new Call(r.getRequestId(), r.getAccount(), r.getCredentialRef(), CredentialKind.valueOf(r.getAuthKind().name()),
                r.getUser(), r.getIntegration(), r.getMethod(), r.getPath(), r.getApiVersion(), r.getCategory(), r.getCost(),
                r.getPriority(), r.getDeadline() == null ? null : r.getDeadline().toEpochMilli());
    }

    /**
     * The engine's view of a result (already checked by the result intake).
     *
     * @param charged what the limiter recorded it charged the call; null to take the result's word (a call recorded
     *     before charges were kept)
     * @param nowMs when the result is applied: the call reached the vendor before it, whatever the result says
     */
    public static DispatchOutcome toOutcome(DispatchResult result, List<RuleCharge> charged) {
        CallOutcome outcome;
        try {
            outcome = CallOutcome.valueOf(result.getOutcome().name());
        } catch (IllegalArgumentException e) {
            outcome = CallOutcome.UNKNOWN;
        }
        List<RuleCharge> charges = charged != null ? charged : result.getCharges().stream().map(c -> new RuleCharge(c.getRuleId(), c.getSubject(),
                c.getUnits(), c.getLimit(), c.getRemaining(), c.getResetAt() == null ? null : c.getResetAt().toEpochMilli(), c.getShadow()))
                .toList();
        // Only the dispatcher's word that it did not send the call gives its charges back: a STALE record may be the
        // redelivery of one an earlier owner of the partition was sending when it stopped.
        boolean neverSent = Boolean.FALSE.equals(result.getSent());
        Long planned = result.getExecuteAt() == null ? null : result.getExecuteAt().toEpochMilli();
        // On the dispatcher's clock, as its next calls' slots are kept: a window that frees a call one window after
        // this frees it one window after the vendor's answer on the clock that sends the next. Both times are whole
        // milliseconds, rounded down.
        Long latestArrival = neverSent ? null : result.getExecutedAt().toEpochMilli() + Math.max(0, result.getLatencyMs()) + 2;
        // A dispatcher that leaves latency_ms at its default says nothing of when the answer came.
        boolean answered = answeredByVendor(outcome, result.getStatus()) && result.getLatencyMs() > 0;
        return new DispatchOutcome(result.getRequestId(), result.getCredentialRef(), outcome, result.getHeaders(), charges,
                planned, latestArrival, neverSent, answered);
    }

    /**
     * Whether the vendor itself answered, so that it saw the call before its answer came: not after a network
     * error or a timeout, and not after a 5xx, which a gateway in front of the vendor may have sent while the
     * request was still on its way.
     */
    static boolean answeredByVendor(CallOutcome outcome, Integer status) {
        return switch (outcome) {
            case SUCCESS, RATE_LIMITED, BLOCKED -> true;
            case HTTP_ERROR -> status != null && status < 500;
            default -> false;
        };
    }

    /** The dispatched record; {@code permits} (null for none) may let the call wait at the dispatcher beyond its jitter. */
    public static DispatchedCall dispatched(ApiRequest request, long decidedAtMs, long executeAtMs, long jitterMs, int attempt,
                                            List<RuleCharge> charges, List<String> shadowViolations, DispatcherPermits permits) {
        return DispatchedCall.newBuilder()
                .setRequest(request)
                .setDecidedAt(Instant.ofEpochMilli(decidedAtMs))
                .setExecuteAt(Instant.ofEpochMilli(executeAtMs))
                .setExpiresAt(Instant.ofEpochMilli(permits == null ? executeAtMs + jitterMs : permits.latestSendMs()))
                .setAttempt(attempt)
                .setCharges(charges.stream().map(Records::charge).toList())
                .setShadowViolations(shadowViolations)
                .setPermits(permits == null ? List.of() : permits.permits().stream().map(Records::permit).toList())
                .build();
    }

    private static Permit permit(DispatcherPermits.Permit p) {
        return Permit.newBuilder().setRuleId(p.ruleId()).setSubject(p.subject()).setLimit(p.limit()).setLeaseMs(p.leaseMs())
                .setHeld(p.held().stream().map(l -> new HeldPermit(l.requestId(), Instant.ofEpochMilli(l.expiresAtMs()))).toList())
                .build();
    }

    public static DelayedCall delayed(ApiRequest request, long nowMs, long notBeforeMs, String bindingRule, int attempt, String detail) {
        return DelayedCall.newBuilder()
                .setRequest(request)
                .setDelayedAt(Instant.ofEpochMilli(nowMs))
                .setNotBefore(Instant.ofEpochMilli(notBeforeMs))
                .setBindingRule(bindingRule == null ? "queue" : bindingRule)
                .setAttempt(attempt)
                .setDetail(detail == null ? "" : detail)
                .build();
    }

    public static RejectedCall rejected(RejectReason reason, String detail, ApiRequest request, String ruleId, Long couldGoAtMs, long nowMs) {
        return RejectedCall.newBuilder()
                .setReason(reason.name())
                .setDetail(detail)
                .setRequestId(request.getRequestId())
                .setAccount(request.getAccount())
                .setRuleId(ruleId)
                .setCouldGoAt(couldGoAtMs == null ? null : Instant.ofEpochMilli(couldGoAtMs))
                .setRejectedAt(Instant.ofEpochMilli(nowMs))
                .setRequest(request)
                .build();
    }

    /** A rejection of input that could not be read (or may not be copied): where it is, not what it holds. */
    public static RejectedCall rejectedInput(RejectReason reason, String detail, String requestId, String account, ApiRequest request,
                                             SourceRef source, long nowMs) {
        return RejectedCall.newBuilder()
                .setReason(reason.name())
                .setDetail(detail)
                .setRequestId(requestId)
                .setAccount(account)
                .setRejectedAt(Instant.ofEpochMilli(nowMs))
                .setRequest(request)
                .setSource(source)
                .build();
    }

    static Charge charge(RuleCharge c) {
        return Charge.newBuilder()
                .setRuleId(c.ruleId())
                .setSubject(c.subject())
                .setUnits(c.units())
                .setLimit(c.limit())
                .setRemaining(c.remaining())
                .setResetAt(c.resetAtMs() == null ? null : Instant.ofEpochMilli(c.resetAtMs()))
                .setShadow(c.shadow())
                .build();
    }
}
