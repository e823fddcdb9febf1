package io.tollgate.limiter.limit;

/** The state of one counter. Immutable; stored with {@link LimitStateCodec}. */
public sealed interface LimitState permits WindowLog, WindowCount, BucketState, QuotaCount, Leases, CredentialState {
}
