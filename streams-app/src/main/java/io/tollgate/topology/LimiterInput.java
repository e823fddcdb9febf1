package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchResult;

/** What reaches the limiter processor: a new request, or a dispatch result. */
public sealed interface LimiterInput {

    /** @param seq the request's position in its partition (its offset), which orders a lane */
    record NewRequest(ApiRequest request, long seq) implements LimiterInput {
    }

    record Result(DispatchResult result) implements LimiterInput {
    }
}
