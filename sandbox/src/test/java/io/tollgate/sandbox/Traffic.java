package io.tollgate.sandbox;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.client.Outcome;
import io.tollgate.client.TollgateClient;
import io.tollgate.limiter.oracle.MostInAnyInterval;
import io.tollgate.sandbox.vendor.VendorCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

    /** What a test does while the calls of {@link #submitForms} wait for their outcomes. */
    interface During {
        void run() throws Exception;
    }

    /**
     * Submits {@code count} calls of forms-org (ids {@code prefix0}, {@code prefix1}, ...) with the Java client, runs
     * {@code during} (null for nothing) while they wait, and returns their outcomes in order, within 120 s.
     */
    static List<Outcome> submitForms(Sandbox sandbox, String prefix, int count, During during) throws Exception {
        try (TollgateClient client = TollgateClient.connect(Map.of("bootstrap.servers", sandbox.bootstrapServers(),
                "schema.registry.url", sandbox.registryUrl()))) {
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ApiRequest call = TollgateClient.request("forms-org", "forms/forms-org", AuthKind.API_TOKEN).requestId(prefix + i)
                        .integration("form-sync").vendor("forms").get("/api/datasources/" + prefix + i).build();
                futures.add(client.submit(call));
            }
            if (during != null) {
                during.run();
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }

    /**
     * The rate a saturated token achieved at the vendor, as a fraction of its limit: how soon each slot
     * was used again. A token allowed {@code limit} per window runs at the limit when every call is
     * followed {@code limit} calls later exactly one window after it; this is the window divided by the
     * mean of those gaps, whatever the spread within a window.
     */
    static double achievedFraction(List<VendorCall> calls, int limit, long windowMs) {
        return achievedFraction(calls, limit, windowMs, 0, Integer.MAX_VALUE);
    }

    /** The same, over the slots of calls {@code from} (inclusive) to {@code to} (exclusive) in arrival order only. */
    static double achievedFraction(List<VendorCall> calls, int limit, long windowMs, int from, int to) {
        List<Long> times = calls.stream().map(VendorCall::atMs).sorted().toList();
        double gaps = 0;
        int counted = 0;
        for (int k = from; k < Math.min(to, times.size() - limit); k++) {
            gaps += times.get(k + limit) - times.get(k);
            counted++;
        }
        return windowMs / (gaps / counted);
    }

    /** Most calls the vendor saw within any interval of {@code windowMs}. */
    static long maxInWindow(List<VendorCall> calls, long windowMs) {
        return MostInAnyInterval.calls(calls, VendorCall::atMs, windowMs);
    }
}
