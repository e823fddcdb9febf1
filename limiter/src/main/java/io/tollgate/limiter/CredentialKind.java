package io.tollgate.limiter;

/** How a call authenticates; vendors limit api tokens and OAuth access tokens differently. */
public enum CredentialKind {
    API_TOKEN, OAUTH
}
