package io.tollgate.topology.store;

/** A dispatched call waiting for its result: enough to put it back in its place if it must wait again. */
public record InFlightCall(long seq, int attempt, long dispatchedAtMs) {
}
