package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a window log remembers of the units that stopped counting, and what it counts of them. */
class WindowLogTraceTest {

    private static final long T0 = 1_790_000_000_000L;

    @Test
    void shouldKeepTheUnitsThatStopCountingPerBucketWithoutCountingThem() {
        // Confirmed at T0+5, T0+50 (the same bucket) and T0+150; awaited at T0+60; confirmed at T0+2000.
        WindowLog log = WindowLog.of(new long[] {T0 + 5, T0 + 50, T0 + 60, T0 + 150, T0 + 2000}, new long[] {1, 2, 4, 3, 5},
                new long[] {0, 0, 4, 0, 0});

        WindowLog pruned = log.counted(T0 + 1000, T0 - 10_000, T0 - 10_000);

        assertThat(pruned.size()).isEqualTo(2);
        assertThat(pruned.total()).as("the awaited call and the one after the cutoff").isEqualTo(9);
        assertThat(pruned.traceSize()).isEqualTo(2);
        assertThat(new long[] {pruned.traceUpToAt(0), pruned.traceUnitsAt(0), pruned.traceUpToAt(1), pruned.traceUnitsAt(1)})
                .containsExactly(T0 + 99, 3, T0 + 199, 3);
    }

    @Test
    void shouldCountATraceBucketWhenAnyOfItMayBeInTheRange() {
        WindowLog log = WindowLog.EMPTY.withTrace(new long[] {T0 + 99}, new long[] {7});

        assertThat(log.unitsPlacedBy(T0 + 99, T0 + 5000)).as("the whole bucket is at or before the range").isZero();
        assertThat(log.unitsPlacedBy(T0 + 98, T0 + 5000)).isEqualTo(7);
        assertThat(log.unitsPlacedBy(T0 - 5000, T0)).as("the bucket's first millisecond is in the range").isEqualTo(7);
        assertThat(log.unitsPlacedBy(T0 - 5000, T0 - 1)).as("the whole bucket is after the range").isZero();
    }

    @Test
    void shouldDropTheTraceUpToItsCutoff() {
        WindowLog log = WindowLog.of(new long[] {T0, T0 + 5000}, new long[] {2, 1}).withTrace(new long[] {T0 - 901}, new long[] {4});

        WindowLog kept = log.counted(T0 + 100, T0 - 10_000, T0 - 1000);
        WindowLog forgotten = log.counted(T0 + 100, T0 - 10_000, T0 - 900);

        assertThat(kept.unitsPlacedBy(T0 - 2000, T0 + 10_000)).isEqualTo(2 + 4 + 1);
        assertThat(forgotten.unitsPlacedBy(T0 - 2000, T0 + 10_000)).isEqualTo(2 + 1);
        assertThat(forgotten.traceSize()).isEqualTo(1);
    }

    /** A window of 2 s and 100 ms of jitter: a span of 2.1 s. */
    private static final SlidingWindowLimit WINDOW = new SlidingWindowLimit(2000);

    private static LimitContext at(long nowMs, long resultWaitMs) {
        return new LimitContext(nowMs, 100, resultWaitMs, io.tollgate.limiter.AccountFacts.of("acme", null, 1, java.time.ZoneOffset.UTC));
    }

    @Test
    void shouldKeepNoTraceWhenNoResultIsStillToCome() {
        WindowLog log = WindowLog.of(new long[] {T0, T0 + 50, T0 + 3000}, new long[] {1, 1, 1});

        WindowLog after = (WindowLog) WINDOW.charge(log, 1, 100, "c", at(T0 + 3000, 10_000)).state();

        assertThat(after.total()).isEqualTo(2);
        assertThat(after.traceSize()).isZero();
    }

    @Test
    void shouldReachBackASpanBeforeTheOldestSlotStillAwaitingItsResult() {
        // Confirmed at T0 and T0+950; awaiting its result at T0+3000, whose vendor may have counted calls from T0+900 on.
        WindowLog log = WindowLog.of(new long[] {T0, T0 + 950, T0 + 3000}, new long[] {1, 2, 1}, new long[] {0, 0, 1});

        WindowLog after = (WindowLog) WINDOW.charge(log, 1, 100, "c", at(T0 + 3200, 10_000)).state();

        assertThat(after.traceSize()).isEqualTo(1);
        assertThat(after.traceUnitsAt(0)).isEqualTo(2);
        assertThat(after.unitsPlacedBy(T0 + 3000 - 2100, T0 + 3200)).as("what the awaited call's result compares with").isEqualTo(2 + 1 + 1);
    }

    @Test
    void shouldReachBackFiveSecondsAtMostWhateverTheResultWait() {
        // A call awaiting its result for 20 s (a result wait of five minutes): only the last 5 s of calls are kept.
        WindowLog log = WindowLog.of(new long[] {T0, T0 + 14_000, T0 + 16_000, T0 + 30_000}, new long[] {1, 1, 2, 1}, new long[] {1, 0, 0, 0});

        WindowLog after = (WindowLog) WINDOW.charge(log, 1, 100, "c", at(T0 + 23_000, 300_000)).state();

        assertThat(after.traceSize()).isEqualTo(1);
        assertThat(after.traceUnitsAt(0)).isEqualTo(2);
    }

    @Test
    void shouldCarryTheTraceThroughEveryChangeOfTheLog() {
        WindowLog log = WindowLog.of(new long[] {T0}, new long[] {2}, new long[] {2}).withTrace(new long[] {T0 - 1}, new long[] {4});

        WindowLog changed = log.plus(T0 + 10, 1, true).confirmed(T0, 2).moved(T0 + 10, T0 + 20, 1).without(T0, 1);

        assertThat(changed.traceSize()).isEqualTo(1);
        assertThat(changed.traceUnitsAt(0)).isEqualTo(4);
        assertThat(changed).isNotEqualTo(WindowLog.of(new long[] {T0, T0 + 20}, new long[] {1, 1}));
    }
}
