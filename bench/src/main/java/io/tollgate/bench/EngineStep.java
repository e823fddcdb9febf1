package io.tollgate.bench;

import io.tollgate.limiter.AccountFacts;
import io.tollgate.limiter.Call;
import io.tollgate.limiter.Decision;
import io.tollgate.limiter.DispatchOutcome;
import io.tollgate.limiter.FeedbackEffect;
import io.tollgate.limiter.Limiter;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.LimitStateCodec;
import io.tollgate.limiter.rule.LimitPolicy;
import java.util.Map;

/** What the processor does per call, without Kafka: decode the states, decide, encode what changed into {@code store}. */
final class EngineStep {

    private EngineStep() {
    }

    static Decision decideAndStore(Limiter limiter, LimitPolicy policy, AccountFacts account, Call call, Map<RuleKey, byte[]> store,
                                   long nowMs) {
        Decision d = limiter.decide(policy, account, call, key -> {
            byte[] bytes = store.get(key);
            return bytes == null ? null : LimitStateCodec.decode(bytes);
        }, nowMs, nowMs);
        if (d instanceof Decision.Admit admit) {
            for (Map.Entry<RuleKey, LimitState> e : admit.updates().entrySet()) {
                store.put(e.getKey(), LimitStateCodec.encode(e.getValue()));
            }
        }
        return d;
    }

    /** What the processor does per result: decode the states, apply the result, encode what changed into {@code store}. */
    static void feedbackAndStore(Limiter limiter, LimitPolicy policy, AccountFacts account, DispatchOutcome result,
                                 Map<RuleKey, byte[]> store, long nowMs) {
        FeedbackEffect effect = limiter.feedback(policy, account, result, key -> {
            byte[] bytes = store.get(key);
            return bytes == null ? null : LimitStateCodec.decode(bytes);
        }, nowMs);
        for (Map.Entry<RuleKey, LimitState> e : effect.updates().entrySet()) {
            if (e.getValue() == null) {
                store.remove(e.getKey());
            } else {
                store.put(e.getKey(), LimitStateCodec.encode(e.getValue()));
            }
        }
    }
}
