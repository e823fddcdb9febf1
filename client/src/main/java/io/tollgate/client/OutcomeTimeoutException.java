package io.tollgate.client;

import java.time.Duration;

/**
 * No outcome arrived for a call within the client's wait. The call is not withdrawn: Tollgate may still
 * dispatch it (a call may wait for its limit as long as its policy's maximum wait allows).
 */
public class OutcomeTimeoutException extends RuntimeException {

    private final String requestId;

    OutcomeTimeoutException(String account, String requestId, Duration waited) {
        super("no outcome for request " + requestId + " of account " + account + " within " + waited
                + "; the call may still be dispatched or rejected later");
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }
}
