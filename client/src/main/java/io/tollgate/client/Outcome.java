package io.tollgate.client;

import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.RejectedCall;

/** What finally became of a submitted call: the dispatcher's answer, or Tollgate's rejection with its reason. */
public sealed interface Outcome {

    String requestId();

    /** The vendor answered 2xx or 3xx. */
    boolean succeeded();

    /** The call was sent; {@link #result()} is what the dispatcher reported (the vendor's status, its latency, ...). */
    record Dispatched(DispatchResult result) implements Outcome {
        @Override
        public String requestId() {
            return result.getRequestId();
        }

        @Override
        public boolean succeeded() {
            return result.getOutcome() == io.tollgate.avro.Outcome.SUCCESS;
        }
    }

    /** The call will not be sent: {@code reason()} is the code (WAIT_EXCEEDS_MAX, INVALID_REQUEST, ...), {@code detail()} says why. */
    record Rejected(RejectedCall rejection) implements Outcome {
        @Override
        public String requestId() {
            return rejection.getRequestId();
        }

        @Override
        public boolean succeeded() {
            return false;
        }

        public String reason() {
            return rejection.getReason();
        }

        public String detail() {
            return rejection.getDetail();
        }
    }
}
