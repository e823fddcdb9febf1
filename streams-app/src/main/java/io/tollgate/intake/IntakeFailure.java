package io.tollgate.intake;

import io.tollgate.limiter.RejectReason;
/**
 * Why an input record cannot become a request. {@code requestId} and {@code account} are set when
 * they could be read; {@code mayCopyRequest} is false when the request holds a secret.
 */
public record IntakeFailure(RejectReason code, String detail, String requestId, String account, boolean mayCopyRequest) {

    public static IntakeFailure of(RejectReason code, String detail) {
        return new IntakeFailure(code, detail, null, null, false);
    }
}
