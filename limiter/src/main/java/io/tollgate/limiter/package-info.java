/**
 * The limiter engine: pure Java, no Kafka, the clock a parameter. {@link io.tollgate.limiter.Limiter}
 * is where every rule is evaluated: it takes a policy, an account's facts, a call, the current state of
 * each rule and the time, and returns a decision with the new states. The Streams processors only load
 * state, call it and store what it returns.
 */
package io.tollgate.limiter;
