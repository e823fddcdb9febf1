package io.tollgate.schemas.request;

import io.tollgate.limiter.RejectReason;
/**
 * A request that cannot be accepted, with its reason code, and its request id and account when they
 * could be read (so that the rejection can be matched to what was sent).
 */
public class InvalidRequestException extends RuntimeException {

    private final RejectReason code;
    private final String requestId;
    private final String account;

    public InvalidRequestException(RejectReason code, String message) {
        this(code, message, null, null);
    }

    private InvalidRequestException(RejectReason code, String message, String requestId, String account) {
        super(message);
        this.code = code;
        this.requestId = requestId;
        this.account = account;
    }

    public RejectReason code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }

    public String account() {
        return account;
    }

    public InvalidRequestException withIds(String requestId, String account) {
        return new InvalidRequestException(code, getMessage(), requestId, account);
    }
}
