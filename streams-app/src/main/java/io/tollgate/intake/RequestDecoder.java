package io.tollgate.intake;

import io.tollgate.avro.ApiRequest;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.Excerpt;
import io.tollgate.schemas.request.InvalidRequestException;
import io.tollgate.schemas.request.RequestValidator;
import io.tollgate.schemas.serde.WireFormat;
import io.tollgate.schemas.serde.WireFormatException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns the bytes of a {@code requests} record into a request, or says why not. Confluent-framed Avro
 * (first byte 0) and JSON (first non-blank byte '{') are accepted; anything else is undecodable.
 * Validation is the same for both formats.
 *
 * <p>A schema registry that cannot be reached is not the record's fault: that failure propagates, the
 * stream thread restarts from the last commit and the record is read again once the registry answers.
 */
public final class RequestDecoder {

    private final Deserializer<ApiRequest> avro;
    private final int maxBytes;

    public RequestDecoder(Deserializer<ApiRequest> avro, int maxBytes) {
        this.avro = avro;
        this.maxBytes = maxBytes;
    }

    public Decoded<ApiRequest> decode(String topic, String key, byte[] value) {
        if (value == null || value.length == 0) {
            return failed(RejectReason.UNDECODABLE, "empty record (a tombstone is not a request)");
        }
        if (value.length > maxBytes) {
            return failed(RejectReason.OVERSIZED, "record of " + value.length + " bytes exceeds request.max.bytes=" + maxBytes);
        }
        ApiRequest request;
        try {
            if (WireFormat.isFramed(value)) {
                request = avro.deserialize(topic, value);
            } else if (looksLikeJson(value)) {
                request = JsonRequestReader.read(value);
            } else {
                return failed(RejectReason.UNDECODABLE, String.format(
                        "neither Confluent-framed Avro (first byte 0x00) nor a JSON object: first byte 0x%02x", value[0]));
            }
        } catch (WireFormatException e) {
            if (e.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                throw e;
            }
            return failed(e.kind() == WireFormatException.Kind.UNKNOWN_SCHEMA ? RejectReason.UNKNOWN_SCHEMA : RejectReason.UNDECODABLE,
                    e.getMessage());
        } catch (InvalidRequestException e) {
            return new Decoded.Failed<>(new IntakeFailure(e.code(), e.getMessage(), RequestValidator.usableId(e.requestId()),
                    RequestValidator.usableId(e.account()), false), null);
        }
        try {
            request = RequestValidator.accept(request);
        } catch (InvalidRequestException e) {
            ApiRequest copy = e.code() == RejectReason.SECRET_IN_REQUEST ? null : RequestValidator.copyOfRefused(request);
            return new Decoded.Failed<>(new IntakeFailure(e.code(), e.getMessage(), RequestValidator.usableId(request.getRequestId()),
                    RequestValidator.usableId(request.getAccount()), copy != null), copy);
        }
        if (key == null || !key.equals(request.getAccount())) {
            return new Decoded.Failed<>(new IntakeFailure(RejectReason.KEY_MISMATCH, "the record key must be the account id '"
                    + request.getAccount() + "', got " + (key == null ? "no key" : Excerpt.quote(key))
                    + ": all calls of an account must land in one partition", request.getRequestId(), request.getAccount(), true),
                    request);
        }
        return new Decoded.Ok<>(request);
    }

    /** A request forwarded through the routed topic: Avro only, validated again (the topic is writable by anyone). */
    public Decoded<ApiRequest> decodeRouted(String topic, String key, byte[] value) {
        if (value == null || value.length == 0 || !WireFormat.isFramed(value)) {
            return failed(RejectReason.UNDECODABLE, "a routed request must be Confluent-framed Avro");
        }
        return decode(topic, key, value);
    }

    private static Decoded<ApiRequest> failed(RejectReason code, String detail) {
        return new Decoded.Failed<>(IntakeFailure.of(code, detail), null);
    }

    private static boolean looksLikeJson(byte[] value) {
        for (byte b : value) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return false;
    }
}
