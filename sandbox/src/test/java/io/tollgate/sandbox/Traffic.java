package io.tollgate.sandbox;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.limiter.oracle.MostInAnyInterval;
import io.tollgate.sandbox.vendor.VendorCall;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;

/** Requests for the sandbox's accounts, and what a vendor log says about rates. */
final class Traffic {

    private Traffic() {
    }

    static ApiRequest pipedrive(String id, String credentialLabel, AuthKind kind, String integration, String method, String path) {
        return ApiRequest.newBuilder().setRequestId(id).setAccount("acme").setCredentialRef("pipedrive/" + credentialLabel)
                .setAuthKind(kind).setUser("user-" + credentialLabel).setIntegration(integration).setVendor("pipedrive")
                .setMethod(method).setPath(path).setApiVersion(path.startsWith("/api/v2") ? "v2" : "v1")
                .setHeaders(new HashMap<>()).setSubmittedAt(Instant.now()).build();
    }

    static ApiRequest forms(String id) {
        return ApiRequest.newBuilder().setRequestId(id).setAccount("forms-org").setCredentialRef("forms/forms-org")
                .setAuthKind(AuthKind.API_TOKEN).setIntegration("form-sync").setVendor("forms").setMethod("GET")
                .setPath("/api/datasources/" + id).setHeaders(new HashMap<>()).setSubmittedAt(Instant.now()).build();
    }

    /**
     * The rate a saturated token achieved at the vendor, as a fraction of its limit: how soon each slot
     * was used again. A token allowed {@code limit} per window runs at the limit when every call is
     * followed {@code limit} calls later exactly one window after it; this is the window divided by the
     * mean of those gaps, whatever the spread within a window.
     */
    static double achievedFraction(List<VendorCall> calls, int limit, long windowMs) {
        List<Long> times = calls.stream().map(VendorCall::atMs).sorted().toList();
        double gaps = 0;
        for (int k = limit; k < times.size(); k++) {
            gaps += times.get(k) - times.get(k - limit);
        }
        return windowMs / (gaps / (times.size() - limit));
    }

    /** Most calls the vendor saw within any interval of {@code windowMs}. */
    static long maxInWindow(List<VendorCall> calls, long windowMs) {
        return MostInAnyInterval.calls(calls, VendorCall::atMs, windowMs);
    }
}
