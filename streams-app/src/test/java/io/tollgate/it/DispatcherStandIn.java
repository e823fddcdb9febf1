package io.tollgate.it;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import java.time.Instant;
import java.util.HashMap;

/** The requests of the query tests, and the dispatcher's part: every dispatched call answered 200 in 40 ms. */
final class DispatcherStandIn {

    private DispatcherStandIn() {
    }

    /**
     * The policy of the query tests: five calls per credential in a ten-minute window (so that nothing moves
     * while a test reads) and a daily quota in the account's zone, for {@code accounts} in Tallinn.
     */
    static String policy(java.util.List<String> accounts) {
        return """
                policies:
                  - id: five-per-window
                    maxWait: 1h
                    rules:
                      - {id: burst, key: credential, slidingWindow: {limit: 5, window: 10m}}
                      - {id: daily, key: account, dailyQuota: {limit: 1000, zone: account}}
                accounts:
                """ + String.join("", accounts.stream().map(a -> "  - {id: " + a + ", policy: five-per-window, timeZone: Europe/Tallinn}\n")
                .toList());
    }

    /** Call {@code i} of {@code account}: a v1 deal read by integration crm on the account's one token. */
    static ApiRequest request(String account, int i) {
        return ApiRequest.newBuilder().setRequestId(account + "-" + i).setAccount(account).setCredentialRef(account + "/token")
                .setAuthKind(AuthKind.API_TOKEN).setUser("user-1").setIntegration("crm").setMethod("GET").setPath("/v1/deals/" + (100 + i))
                .setApiVersion("v1").setHeaders(new HashMap<>()).setSubmittedAt(Instant.now()).build();
    }

    static DispatchResult success(DispatchedCall call) {
        return DispatchResult.newBuilder().setRequestId(call.getRequest().getRequestId()).setAccount(call.getRequest().getAccount())
                .setCredentialRef(call.getRequest().getCredentialRef()).setOutcome(Outcome.SUCCESS).setStatus(200).setLatencyMs(40)
                .setHeaders(new HashMap<>()).setExecuteAt(call.getExecuteAt()).setExecutedAt(call.getExecuteAt())
                .setAttempt(call.getAttempt()).setSent(null).setRequest(call.getRequest()).setCharges(call.getCharges()).build();
    }
}
