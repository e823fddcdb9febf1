package io.tollgate.rest;

/** A parameter the API cannot take: answered 400 with this message. */
public final class BadRequest extends RuntimeException {

    public BadRequest(String message) {
        super(message);
    }
}
