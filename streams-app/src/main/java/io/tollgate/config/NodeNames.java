package io.tollgate.config;

/**
 * The topology's node names, in one place: processors forward to them by name, so a typo is a runtime
 * failure, and a renamed node here is renamed everywhere. (Unlike {@link StoreNames} they name no topic,
 * so they may change between releases.) The drawing in {@code TollgateTopology} shows how they connect.
 */
public final class NodeNames {

    public static final String REQUESTS_SOURCE = "requests-source";
    /** Decodes and checks a request; passes it to the limiter, or re-keys it to the routed topic. */
    public static final String INTAKE = "intake";
    public static final String ROUTED_SINK = "routed-sink";
    public static final String ROUTED_SOURCE = "routed-source";
    public static final String ROUTED_INTAKE = "routed-intake";
    public static final String RESULTS_SOURCE = "results-source";
    public static final String RESULT_INTAKE = "result-intake";
    /** Where every rule is applied: decides, queues and dispatches (it owns the limiter's stores). */
    public static final String LIMITER = "limiter";
    public static final String DISPATCH_SINK = "dispatch-sink";
    public static final String DELAY_SINK = "delay-sink";
    public static final String REJECTED_SINK = "rejected-sink";

    /** Policies and accounts each go through a gate; {@code what} is "policy" or "account". */
    public static String gateSource(String what) {
        return what + "-source";
    }

    public static String gate(String what) {
        return what + "-gate";
    }

    public static String gateInForceSink(String what) {
        return what + "-in-force-sink";
    }

    public static String gateRejectedSink(String what) {
        return what + "-rejected-sink";
    }

    public static final String POLICIES_IN_FORCE_SOURCE = "policies-in-force-source";
    public static final String POLICIES_UPDATER = "policies-updater";
    public static final String ACCOUNTS_IN_FORCE_SOURCE = "accounts-in-force-source";
    public static final String ACCOUNTS_UPDATER = "accounts-updater";

    private NodeNames() {
    }
}
