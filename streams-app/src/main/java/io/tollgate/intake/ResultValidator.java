package io.tollgate.intake;

import io.tollgate.avro.Charge;
import io.tollgate.avro.DispatchResult;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.InvalidRequestException;
import io.tollgate.schemas.request.RequestValidator;
import java.time.Instant;
import java.util.Map;

/**
 * Checks a dispatch result before the limiter acts on it. Results are input too: a result releases
 * permits, moves charges and can put its request back in the queue, so every field is checked the way
 * a request's are, and the request it carries must be the one it reports on and pass the intake again.
 */
public final class ResultValidator {

    static final int MAX_ATTEMPT = 10_000;
    static final long MAX_LATENCY_MS = 86_400_000L;
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_VALUE = 1024;
    static final int MAX_EXCERPT = 65_536;
    static final int MAX_CHARGES = 256;
    static final long MAX_UNITS = 1_000_000_000_000L;

    private ResultValidator() {
    }

    /** The result, its request normalised; throws {@link InvalidRequestException} (UNDECODABLE_RESULT) naming the field. */
    public static DispatchResult accept(DispatchResult r) {
        try {
            RequestValidator.accept(r.getRequest());
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(RejectReason.UNDECODABLE_RESULT, "the request it carries: " + e.getMessage());
        }
        require(r.getRequestId().equals(r.getRequest().getRequestId()) && r.getAccount().equals(r.getRequest().getAccount())
                && r.getCredentialRef().equals(r.getRequest().getCredentialRef()),
                "request_id, account and credential_ref must be those of the request it carries");
        require(r.getAttempt() >= 1 && r.getAttempt() <= MAX_ATTEMPT, "attempt must be between 1 and " + MAX_ATTEMPT);
        require(r.getStatus() == null || r.getStatus() >= 100 && r.getStatus() <= 999, "status must be an HTTP status");
        require(r.getLatencyMs() >= 0 && r.getLatencyMs() <= MAX_LATENCY_MS, "latency_ms must be between 0 and " + MAX_LATENCY_MS);
        require(inRange(r.getExecutedAt()), "executed_at is out of range");
        require(r.getExecuteAt() == null || inRange(r.getExecuteAt()), "execute_at is out of range");
        require(r.getHeaders().size() <= MAX_HEADERS, "at most " + MAX_HEADERS + " headers");
        for (Map.Entry<String, String> h : r.getHeaders().entrySet()) {
            require(h.getKey().length() <= MAX_HEADER_VALUE && h.getValue().length() <= MAX_HEADER_VALUE,
                    "header names and values must be at most " + MAX_HEADER_VALUE + " characters");
        }
        require(r.getBodyExcerpt() == null || r.getBodyExcerpt().length() <= MAX_EXCERPT, "body_excerpt is too long");
        require(r.getCharges().size() <= MAX_CHARGES, "at most " + MAX_CHARGES + " charges");
        for (Charge c : r.getCharges()) {
            require(c.getRuleId().length() <= RequestValidator.MAX_ID * 2 && c.getSubject().length() <= RequestValidator.MAX_ID * 2,
                    "charge rule_id and subject must be at most " + RequestValidator.MAX_ID * 2 + " characters");
            require(c.getUnits() >= 0 && c.getUnits() <= MAX_UNITS && c.getLimit() >= 0 && c.getRemaining() >= 0,
                    "charge units, limit and remaining must not be negative, and units at most " + MAX_UNITS);
            require(c.getResetAt() == null || inRange(c.getResetAt()), "charge reset_at is out of range");
        }
        return r;
    }

    private static boolean inRange(Instant t) {
        return !t.isBefore(RequestValidator.EARLIEST) && !t.isAfter(RequestValidator.LATEST);
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new InvalidRequestException(RejectReason.UNDECODABLE_RESULT, problem);
        }
    }
}
