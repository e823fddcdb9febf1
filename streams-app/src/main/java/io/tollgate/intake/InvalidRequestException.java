package io.tollgate.intake;

/** A request that cannot be accepted, with its reason code. */
public class InvalidRequestException extends RuntimeException {

    private final RejectCode code;

    public InvalidRequestException(RejectCode code, String message) {
        super(message);
        this.code = code;
    }

    public RejectCode code() {
        return code;
    }
}
