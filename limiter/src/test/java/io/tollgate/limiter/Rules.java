package io.tollgate.limiter;

import io.tollgate.limiter.limit.ConcurrencyLimit;
import io.tollgate.limiter.limit.DailyQuotaLimit;
import io.tollgate.limiter.limit.FixedWindowLimit;
import io.tollgate.limiter.limit.Limit;
import io.tollgate.limiter.limit.SlidingWindowLimit;
import io.tollgate.limiter.limit.TokenBucketLimit;
import io.tollgate.limiter.limit.ZoneSpec;
import io.tollgate.limiter.rule.CostBasis;
import io.tollgate.limiter.rule.CostTable;
import io.tollgate.limiter.rule.Enforcement;
import io.tollgate.limiter.rule.LimitAmount;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.limiter.rule.LimitRule;
import io.tollgate.limiter.rule.RequestMatcher;
import io.tollgate.limiter.rule.SubjectScope;
import io.tollgate.limiter.rule.VendorHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Rules for tests, written as a policy file would say them:
 * {@code Rules.sliding("burst").limit(3).per(ofSeconds(2)).byCredential()}. What a test leaves out is
 * what a policy would leave out: enforced, counting calls, matching every call, no maximum wait of its
 * own, no vendor headers.
 */
public final class Rules {

    private Rules() {
    }

    /** At most {@code limit} in any interval of {@code per}. */
    public static Builder sliding(String id) {
        return new Builder(id, b -> new SlidingWindowLimit(b.periodMs()));
    }

    /** At most {@code limit} per calendar interval of {@code per} (epoch-aligned). */
    public static Builder fixed(String id) {
        return new Builder(id, b -> new FixedWindowLimit(b.periodMs()));
    }

    /** A bucket of {@code limit} tokens that gains {@code refill} every {@code per}. */
    public static Builder tokenBucket(String id) {
        return new Builder(id, b -> new TokenBucketLimit(b.refillUnits, b.periodMs()));
    }

    /** At most {@code limit} per UTC day, reset at midnight. */
    public static Builder dailyQuota(String id) {
        return new Builder(id, b -> new DailyQuotaLimit(ZoneSpec.UTC, DailyQuotaLimit.Reset.MIDNIGHT));
    }

    /** At most {@code limit} calls in flight; a permit whose result never comes is freed after {@code per}. */
    public static Builder concurrency(String id) {
        return new Builder(id, b -> new ConcurrencyLimit(b.periodMs()));
    }

    /** A policy "p" of these rules, with no exemptions and no cost table, waiting at most an hour. */
    public static LimitPolicy policy(LimitRule... rules) {
        return new LimitPolicy("p", List.of(rules), List.of(), CostTable.EMPTY, 3_600_000);
    }

    /** One rule being written; it is built by naming whom it counts ({@link #byCredential()}, ...). */
    public static final class Builder {
        private final String id;
        private final Function<Builder, Limit> limit;
        private LimitAmount amount;
        private Duration per;
        private long refillUnits = 1;
        private Enforcement mode = Enforcement.ENFORCE;
        private CostBasis counts = CostBasis.CALLS;
        private RequestMatcher match = RequestMatcher.ANY;
        private Long maxWaitMs;
        private VendorHeaders vendorHeaders;

        private Builder(String id, Function<Builder, Limit> limit) {
            this.id = id;
            this.limit = limit;
        }

        public Builder limit(long units) {
            amount = new LimitAmount.Fixed(units);
            return this;
        }

        /** A limit that depends on the account's plan. */
        public Builder limitByPlan(Map<String, Long> limits) {
            amount = new LimitAmount.ByPlan(limits);
            return this;
        }

        public Builder per(Duration period) {
            per = period;
            return this;
        }

        /** Tokens a bucket gains every {@code per}. */
        public Builder refill(long units) {
            refillUnits = units;
            return this;
        }

        /** Counted and reported, never holding a call back. */
        public Builder shadow() {
            mode = Enforcement.SHADOW;
            return this;
        }

        /** Counts the call's cost in tokens instead of one per call. */
        public Builder countingTokens() {
            counts = CostBasis.TOKENS;
            return this;
        }

        public Builder matching(RequestMatcher calls) {
            match = calls;
            return this;
        }

        public Builder maxWait(Duration wait) {
            maxWaitMs = wait.toMillis();
            return this;
        }

        /** The vendor's headers that report what is left of this limit. */
        public Builder vendorHeaders(VendorHeaders headers) {
            vendorHeaders = headers;
            return this;
        }

        public LimitRule byCredential() {
            return by(SubjectScope.CREDENTIAL);
        }

        public LimitRule byUser() {
            return by(SubjectScope.USER);
        }

        public LimitRule byIntegration() {
            return by(SubjectScope.INTEGRATION);
        }

        public LimitRule byAccount() {
            return by(SubjectScope.ACCOUNT);
        }

        public LimitRule by(SubjectScope scope) {
            if (amount == null) {
                throw new IllegalStateException("rule " + id + ": say its limit");
            }
            return new LimitRule(id, mode, scope, match, List.of(), counts, limit.apply(this), amount, maxWaitMs, vendorHeaders);
        }

        private long periodMs() {
            if (per == null) {
                throw new IllegalStateException("rule " + id + ": say its period with per(...)");
            }
            return per.toMillis();
        }
    }
}
