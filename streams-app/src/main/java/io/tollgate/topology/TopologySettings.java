package io.tollgate.topology;

import io.tollgate.config.TollgateConfig;
import io.tollgate.config.TopicNames;

/**
 * What the topology needs from the configuration.
 *
 * @param leadMs how far ahead of the decision a call is planned to be sent (covers commit and consumer latency)
 * @param retentionMs how long request ids are remembered (idempotency) and results awaited
 * @param maxAttempts how often a call may come back (429, block, network error) before it is rejected
 */
public record TopologySettings(TopicNames topics, long leadMs, long punctuationMs, int maxRequestBytes, long retentionMs,
                               String defaultPolicy, int maxAttempts) {

    public static TopologySettings from(TollgateConfig config) {
        return new TopologySettings(config.topics(), config.longValue(TollgateConfig.DISPATCH_LEAD_MS),
                config.longValue(TollgateConfig.PUNCTUATION_INTERVAL_MS), config.intValue(TollgateConfig.REQUEST_MAX_BYTES),
                config.longValue(TollgateConfig.DEDUP_RETENTION_MS), config.string(TollgateConfig.DEFAULT_POLICY),
                config.intValue(TollgateConfig.MAX_ATTEMPTS));
    }
}
