package io.tollgate.config;

/**
 * What the topology needs from the configuration: {@link TollgateConfig#topologySettings(int)}.
 *
 * @param partitions partitions of the per-account topics: a request on another partition than its account's is routed
 * @param leadMs how far ahead of the decision a call is planned to be sent (covers commit and consumer latency)
 * @param retentionMs how long request ids are remembered (idempotency) and results awaited
 * @param maxAttempts how often a call may come back (429, block, network error) before it is rejected
 * @param maxStaleReturns how often a call may come back STALE (not sent, too late for its slot) before it is rejected
 * @param instance names this instance in the {@value #INSTANCE_HEADER} header of every decision, so that it can be
 *     told which instance decided a call (after a fail-over, say)
 */
public record TopologySettings(TopicNames topics, int partitions, long leadMs, long punctuationMs, int maxRequestBytes,
                               long retentionMs, String defaultPolicy, int maxAttempts, int maxStaleReturns, String instance) {

    /** The header naming the instance that made a decision. */
    public static final String INSTANCE_HEADER = "tollgate-instance";
}
