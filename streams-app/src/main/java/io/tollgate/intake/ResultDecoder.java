package io.tollgate.intake;

import io.tollgate.avro.DispatchResult;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.Excerpt;
import io.tollgate.schemas.request.InvalidRequestException;
import io.tollgate.schemas.request.RequestValidator;
import io.tollgate.schemas.serde.WireFormatException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns the bytes of a {@code results} record into a result, or says why not. A result is input like a
 * request: one that cannot be read, is keyed to another account or has fields out of range is refused,
 * never allowed to stop the app or move a counter. An unreachable registry propagates, as for requests.
 */
public final class ResultDecoder {

    private final Deserializer<DispatchResult> avro;

    public ResultDecoder(Deserializer<DispatchResult> avro) {
        this.avro = avro;
    }

    public Decoded<DispatchResult> decode(String topic, String key, byte[] value) {
        String account = RequestValidator.usableId(key);
        try {
            DispatchResult result = value == null ? null : avro.deserialize(topic, value);
            if (result == null) {
                return failed("empty result record", null, account);
            }
            if (!result.getAccount().equals(key)) {
                return failed("result keyed " + Excerpt.quote(key) + " is for account " + Excerpt.quote(result.getAccount()),
                        null, account);
            }
            String requestId = RequestValidator.usableId(result.getRequestId());
            try {
                return new Decoded.Ok<>(ResultValidator.accept(result));
            } catch (InvalidRequestException e) {
                return failed(e.getMessage(), requestId, account);
            }
        } catch (WireFormatException e) {
            if (e.kind() == WireFormatException.Kind.REGISTRY_UNAVAILABLE) {
                throw e;
            }
            return failed(e.getMessage(), null, account);
        } catch (InvalidRequestException e) {
            return failed(e.getMessage(), null, account);
        }
    }

    private static Decoded<DispatchResult> failed(String problem, String requestId, String account) {
        return new Decoded.Failed<>(new IntakeFailure(RejectReason.UNDECODABLE_RESULT, problem, requestId, account, false), null);
    }
}
