package io.tollgate.limiter.limit;

/** When a limit would admit a call: now, later, or never (the call costs more than the limit). */
public record Evaluation(long admitAtMs) {

    public static final long NEVER = Long.MAX_VALUE;

    public static Evaluation at(long admitAtMs) {
        return new Evaluation(admitAtMs);
    }

    public static Evaluation never() {
        return new Evaluation(NEVER);
    }

    public boolean isNever() {
        return admitAtMs == NEVER;
    }

    public boolean admitsAt(long nowMs) {
        return admitAtMs <= nowMs;
    }
}
