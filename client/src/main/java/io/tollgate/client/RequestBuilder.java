package io.tollgate.client;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.InvalidRequestException;
import io.tollgate.schemas.request.RequestValidator;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Builds a request the intake will accept. {@link #build()} runs the intake's own checks, so a request
 * that Tollgate would reject as invalid fails here, with the same reason and message.
 */
public final class RequestBuilder {

    // The record itself, not Avro's builder: the builder throws its own error on a null, where the intake's
    // checks name the field and the reason.
    private final ApiRequest request = new ApiRequest();
    private final Map<String, String> headers = new LinkedHashMap<>();

    RequestBuilder(String account, String credentialRef, AuthKind authKind) {
        request.setAccount(account);
        request.setCredentialRef(credentialRef);
        request.setAuthKind(authKind);
    }

    /** The idempotency key, unique per account; by default a random UUID. */
    public RequestBuilder requestId(String requestId) {
        request.setRequestId(requestId);
        return this;
    }

    public RequestBuilder integration(String integration) {
        request.setIntegration(integration);
        return this;
    }

    /** The vendor user the call acts for (per-user quotas). */
    public RequestBuilder user(String user) {
        request.setUser(user);
        return this;
    }

    /** The dispatcher's name for the vendor's base URL; by default its default vendor. */
    public RequestBuilder vendor(String vendor) {
        request.setVendor(vendor);
        return this;
    }

    public RequestBuilder get(String path) {
        return call("GET", path);
    }

    public RequestBuilder post(String path, byte[] body) {
        return call("POST", path).body(body);
    }

    public RequestBuilder put(String path, byte[] body) {
        return call("PUT", path).body(body);
    }

    public RequestBuilder patch(String path, byte[] body) {
        return call("PATCH", path).body(body);
    }

    public RequestBuilder delete(String path) {
        return call("DELETE", path);
    }

    /** The HTTP method and the path (with its query) appended to the vendor's base URL. */
    public RequestBuilder call(String method, String path) {
        request.setMethod(method);
        request.setPath(path);
        return this;
    }

    public RequestBuilder body(byte[] body) {
        request.setBody(body == null ? null : ByteBuffer.wrap(body.clone()));
        return this;
    }

    /** A header to send; credentials are refused (the dispatcher adds them from {@code credential_ref}). */
    public RequestBuilder header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public RequestBuilder apiVersion(String apiVersion) {
        request.setApiVersion(apiVersion);
        return this;
    }

    public RequestBuilder category(String category) {
        request.setCategory(category);
        return this;
    }

    /** The cost in the vendor's units, overriding the policy's cost table. */
    public RequestBuilder cost(int cost) {
        request.setCost(cost);
        return this;
    }

    /** Higher goes first among the waiting calls of its lane (-1000 to 1000). */
    public RequestBuilder priority(int priority) {
        request.setPriority(priority);
        return this;
    }

    /** The latest time the call may be sent. */
    public RequestBuilder deadline(Instant deadline) {
        request.setDeadline(deadline == null ? null : deadline.truncatedTo(ChronoUnit.MILLIS));
        return this;
    }

    /** The request, as the intake will see it; throws {@link InvalidRequestException} (with the reason code) if it would be rejected. */
    public ApiRequest build() {
        if (request.getMethod() == null && request.getPath() == null) {
            throw new InvalidRequestException(RejectReason.INVALID_REQUEST,
                    "no call: give the method and path with get(path), post(path, body), call(method, path), ...");
        }
        ApiRequest built = copyOf(request);
        if (built.getRequestId() == null) {
            built.setRequestId(UUID.randomUUID().toString());
        }
        built.setHeaders(new LinkedHashMap<>(headers));
        built.setSubmittedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return RequestValidator.accept(built);
    }

    /**
     * A copy that the checks may normalise without touching the caller's record. Not Avro's builder, which
     * throws its own error on a missing field before the checks can name it.
     */
    static ApiRequest copyOf(ApiRequest r) {
        if (r == null) {
            throw new InvalidRequestException(RejectReason.INVALID_REQUEST, "no request");
        }
        // Field by field with put(): the generated setters and constructor throw on a null time.
        ApiRequest copy = new ApiRequest();
        for (int field = 0; field < ApiRequest.getClassSchema().getFields().size(); field++) {
            copy.put(field, r.get(field));
        }
        copy.setBody(r.getBody() == null ? null : r.getBody().duplicate());
        copy.setHeaders(r.getHeaders() == null ? null : new LinkedHashMap<>(r.getHeaders()));
        return copy;
    }
}
