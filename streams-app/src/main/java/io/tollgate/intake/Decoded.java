package io.tollgate.intake;

import io.tollgate.avro.ApiRequest;

/** An input record read as a {@code T} (a request, a result), or why it could not be. */
public sealed interface Decoded<T> {

    record Ok<T>(T value) implements Decoded<T> {
    }

    /** {@code request} is the decoded request when it may be copied to the rejected record, else null. */
    record Failed<T>(IntakeFailure failure, ApiRequest request) implements Decoded<T> {
    }
}
