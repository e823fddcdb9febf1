package io.tollgate.limiter.queue;

/**
 * What the {@link LaneScheduler} needs of a waiting call: its place in its lane and how long it may wait.
 *
 * @param <C> the caller's type of waiting call
 */
public interface QueuedCall<C extends QueuedCall<C>> {

    /** Higher goes first within a lane. */
    int priority();

    /** Submission order within a lane, among calls of one priority. */
    long seq();

    /** The longest maximum wait of the rules that held it so far. */
    long grantedWaitMs();

    /** This call, allowed to wait as long as {@code maxWaitMs} if that is longer than it was. */
    C granted(long maxWaitMs);
}
