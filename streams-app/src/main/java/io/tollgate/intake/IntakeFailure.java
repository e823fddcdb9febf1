package io.tollgate.intake;

/**
 * Why an input record cannot become a request. {@code requestId} and {@code account} are set when
 * they could be read; {@code mayCopyRequest} is false when the request holds a secret.
 */
public record IntakeFailure(RejectCode code, String detail, String requestId, String account, boolean mayCopyRequest) {

    public static IntakeFailure of(RejectCode code, String detail) {
        return new IntakeFailure(code, detail, null, null, false);
    }
}
