package io.tollgate.intake;

import io.tollgate.avro.ApiRequest;

/** A request read from the {@code requests} topic, or why it could not be. */
public sealed interface Decoded {

    record Ok(ApiRequest request) implements Decoded {
    }

    /** {@code request} is the decoded request when it may be copied to the rejected record, else null. */
    record Failed(IntakeFailure failure, ApiRequest request) implements Decoded {
    }
}
