package io.tollgate.limiter;

/** Test calls with sensible defaults. */
public final class Calls {

    private Calls() {
    }

    public static Call get(String id, String path) {
        return new Call(id, "acme", "cred-1", CredentialKind.API_TOKEN, "user-1", "crm", "GET", path, "v1", null, null, 0, null);
    }

    public static Call of(String id, String method, String path, String apiVersion) {
        return new Call(id, "acme", "cred-1", CredentialKind.API_TOKEN, "user-1", "crm", method, path, apiVersion, null, null, 0, null);
    }

    public static Call withCredential(Call c, String credential) {
        return new Call(c.requestId(), c.account(), credential, c.authKind(), c.user(), c.integration(), c.method(), c.path(),
                c.apiVersion(), c.category(), c.explicitCost(), c.priority(), c.deadlineMs());
    }

    public static Call withCategory(Call c, String category) {
        return new Call(c.requestId(), c.account(), c.credential(), c.authKind(), c.user(), c.integration(), c.method(), c.path(),
                c.apiVersion(), category, c.explicitCost(), c.priority(), c.deadlineMs());
    }

    public static Call withDeadline(Call c, Long deadlineMs) {
        return new Call(c.requestId(), c.account(), c.credential(), c.authKind(), c.user(), c.integration(), c.method(), c.path(),
                c.apiVersion(), c.category(), c.explicitCost(), c.priority(), deadlineMs);
    }

    public static Call withCost(Call c, Integer cost) {
        return new Call(c.requestId(), c.account(), c.credential(), c.authKind(), c.user(), c.integration(), c.method(), c.path(),
                c.apiVersion(), c.category(), cost, c.priority(), c.deadlineMs());
    }

    public static Call withAuth(Call c, CredentialKind kind) {
        return new Call(c.requestId(), c.account(), c.credential(), kind, c.user(), c.integration(), c.method(), c.path(),
                c.apiVersion(), c.category(), c.explicitCost(), c.priority(), c.deadlineMs());
    }

    public static Call withUser(Call c, String user) {
        return new Call(c.requestId(), c.account(), c.credential(), c.authKind(), user, c.integration(), c.method(), c.path(),
                c.apiVersion(), c.category(), c.explicitCost(), c.priority(), c.deadlineMs());
    }
}
