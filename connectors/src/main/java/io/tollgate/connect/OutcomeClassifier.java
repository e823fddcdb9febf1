package io.tollgate.connect;

import io.tollgate.avro.Outcome;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Locale;
import java.util.Set;

/** Turns an HTTP answer, or the lack of one, into an outcome the limiter acts on. */
final class OutcomeClassifier {

    /** Methods that may be sent again without harm (RFC 9110 safe methods). */
    static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private OutcomeClassifier() {
    }

    static Outcome of(int status, String contentType, String body) {
        if (status == 429) {
            return Outcome.RATE_LIMITED;
        }
        if (status == 403 && isBlockPage(contentType, body)) {
            return Outcome.BLOCKED;
        }
        return status < 400 ? Outcome.SUCCESS : Outcome.HTTP_ERROR;
    }

    /**
     * A call that got no answer. If no connection was made it was not sent, and may go again; if it
     * was sent, only a safe method may, and an unsafe one's outcome is unknown.
     */
    static Outcome ofFailure(Throwable failure, String method) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof ConnectException) && !(cause instanceof HttpConnectTimeoutException)) {
            cause = cause.getCause();
        }
        if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
            return Outcome.NETWORK_ERROR;
        }
        return SAFE.contains(method.toUpperCase(Locale.ROOT)) ? Outcome.NETWORK_ERROR : Outcome.OUTCOME_UNKNOWN;
    }

    /** Whether the failure came before a connection was made: then the vendor surely did not see the call. */
    static boolean neverConnected(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The vendor's block is an HTML page (seed 002: Cloudflare), not the API's JSON 403. */
    private static boolean isBlockPage(String contentType, String body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return type.contains("text/html") || (body != null && body.toLowerCase(Locale.ROOT).contains("cloudflare"));
    }
}
