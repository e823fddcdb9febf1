package io.tollgate.limiter;

import java.util.Locale;
import java.util.Objects;

/**
 * The engine's view of one intended API call: what rules match on and are keyed by.
 *
 * @param explicitCost cost given by the caller, overriding the policy's cost table; null if none
 * @param deadlineMs latest time the call may be sent, or null
 */
public record Call(
        String requestId,
        String account,
        String credential,
        CredentialKind authKind,
        String user,
        String integration,
        String method,
        String path,
        String apiVersion,
        String category,
        Integer explicitCost,
        int priority,
        Long deadlineMs) {

    public Call {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(authKind, "authKind");
        Objects.requireNonNull(integration, "integration");
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path");
    }

    public Call withPath(String newPath) {
        return new Call(requestId, account, credential, authKind, user, integration, method, newPath, apiVersion, category,
                explicitCost, priority, deadlineMs);
    }

    /** The path without its query string, which is what path templates match. */
    public String pathWithoutQuery() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
