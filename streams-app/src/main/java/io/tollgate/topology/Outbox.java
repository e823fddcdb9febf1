package io.tollgate.topology;

import io.tollgate.avro.DelayedCall;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;

/** Where the scheduler's decisions go: the dispatch, delay and rejected topics. Keyed by account. */
interface Outbox {

    void dispatch(String account, DispatchedCall call);

    void delay(String account, DelayedCall call);

    void reject(String account, RejectedCall call);
}
