package io.tollgate.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Who may call an endpoint: anyone, or whoever presents the configured bearer token. */
public final class Access {

    private final byte[] token;

    private Access(byte[] token) {
        this.token = token;
    }

    public static Access open() {
        return new Access(null);
    }

    /** Requires {@code Authorization: Bearer <token>}; an empty token leaves the endpoint open. */
    public static Access bearer(String token) {
        return new Access(token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8));
    }

    public boolean allows(String authorization) {
        if (token == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Constant time: how long the comparison takes says nothing of the token.
        return MessageDigest.isEqual(token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }
}
