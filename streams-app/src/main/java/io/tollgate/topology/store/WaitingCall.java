package io.tollgate.topology.store;

import io.tollgate.avro.ApiRequest;

/**
 * A call in the waiting queue.
 *
 * @param seq position in submission order (the request's offset in its partition)
 * @param waitingSinceMs when it started waiting, for maximum waits
 * @param attempt dispatches so far + 1
 * @param notBeforeMs earliest time it may go, as last computed (informational)
 * @param bindingRule what holds it back, as last computed
 */
public record WaitingCall(ApiRequest request, long seq, long waitingSinceMs, int attempt, long notBeforeMs, String bindingRule) {
}
